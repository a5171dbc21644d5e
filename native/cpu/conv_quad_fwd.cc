// Quadratic depthwise conv, forward: y = (Wa*x + ba) . (Wb*x + bb) + (Wc*x + bc) in one pass
// over x; the three accumulators of R output pixels stay in registers.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "conv_quad_fwd.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "conv_rows-inl.h"
#include "quadra/scratch.h"

HWY_BEFORE_NAMESPACE();
namespace quadra {
namespace HWY_NAMESPACE {

void QuadConvForwardImpl(const ConvShape& s, const float* x, const QuadWeights& qw, float* y,
                         float* save_a, float* save_b) {
  const Geom g(s);
  const float* wts[3] = {qw.wa, qw.wb, qw.wc};
  const float* bias[3] = {qw.ba, qw.bb, qw.bc};
  float* packed = Scratch(kScratchPacked, size_t(3) * s.WeightElements());
  PackTaps<3>(g, wts, packed);
  CorrAllRows<3>(s, x, packed, bias, [&](auto d, auto& acc, int64_t o) HWY_ATTR {
    for (int r = 0; r < BlockColumns<decltype(acc)>(); ++r) {
      const int64_t at = o + r * g.C;
      hn::StoreU(hn::MulAdd(acc[0][r], acc[1][r], acc[2][r]), d, y + at);
      if (save_a) hn::StoreU(acc[0][r], d, save_a + at);
      if (save_b) hn::StoreU(acc[1][r], d, save_b + at);
    }
  });
}

// The target the depthwise/quadratic conv kernels run on: on arm64 they are built without the
// SVE targets (their register blocks are arrays of vectors, which sizeless SVE types forbid).
int64_t ConvTargetImpl() { return HWY_TARGET; }

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace quadra {

HWY_EXPORT(QuadConvForwardImpl);
HWY_EXPORT(ConvTargetImpl);

const char* ConvSimdTargetName() { return hwy::TargetName(HWY_DYNAMIC_DISPATCH(ConvTargetImpl)()); }

void QuadConv2d(const ConvShape& s, const float* x, const QuadWeights& w, float* y,
                     float* save_a, float* save_b) {
  CheckConvShape(s);
  HWY_DYNAMIC_DISPATCH(QuadConvForwardImpl)(s, x, w, y, save_a, save_b);
}

}  // namespace quadra
#endif  // HWY_ONCE
