// Plain depthwise conv, forward (the ConvNeXt baseline): y = W*x + b, same building block as the
// quadratic conv with one weight set.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "conv_dw_fwd.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "conv_rows-inl.h"
#include "quadra/scratch.h"

HWY_BEFORE_NAMESPACE();
namespace quadra {
namespace HWY_NAMESPACE {

void DwConvForwardImpl(const ConvShape& s, const float* x, const float* w, const float* b, float* y) {
  const Geom g(s);
  const float* wts[1] = {w};
  const float* bias[1] = {b};
  float* packed = Scratch(kScratchPacked, s.WeightElements());
  PackTaps<1>(g, wts, packed);
  CorrAllRows<1>(s, x, packed, bias, [&](auto d, auto& acc, int64_t o) HWY_ATTR {
    for (int r = 0; r < BlockColumns<decltype(acc)>(); ++r) hn::StoreU(acc[0][r], d, y + o + r * g.C);
  });
}

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace quadra {

HWY_EXPORT(DwConvForwardImpl);

void DwConv2d(const ConvShape& s, const float* x, const float* w, const float* b, float* y) {
  CheckConvShape(s);
  HWY_DYNAMIC_DISPATCH(DwConvForwardImpl)(s, x, w, b, y);
}

}  // namespace quadra
#endif  // HWY_ONCE
