// Plain depthwise conv, forward (the ConvNeXt baseline): y = W*x + b, same building block as the
// quadratic conv with one weight set.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "dwconv_fwd.cc"
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
  float* packed = Scratch(kScratchPacked, size_t(1) * s.WeightElements());
  PackTaps<1>(g, wts, packed);
  const int64_t rows = s.n * s.h;
  constexpr int R = CorrColumns<1>();
#pragma omp parallel for schedule(static) num_threads(NumThreads())
  for (int64_t row = 0; row < rows; ++row) {
    const int64_t n = row / g.H, h = row % g.H;
    const float* xn = x + n * g.img_stride;
    const int64_t out_row = row * g.row_stride;
    ForChannelBlocks(g.C, [&](auto d, int64_t c0) HWY_ATTR {
      ForColumnBlocks<R>(g.W, g.p, [&](auto r_tag, int64_t w0) HWY_ATTR {
        constexpr int NR = decltype(r_tag)::value;
        constexpr bool CL = decltype(r_tag)::clip;
        hn::Vec<decltype(d)> acc[1][NR];
        CorrBlock<1, NR, CL>(d, g, xn, h, w0, c0, packed, bias, acc);
        for (int r = 0; r < NR; ++r) hn::StoreU(acc[0][r], d, y + out_row + (w0 + r) * g.C + c0);
      });
    });
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace quadra {

HWY_EXPORT(DwConvForwardImpl);

void DwConvForward(const ConvShape& s, const float* x, const float* w, const float* b, float* y) {
  CheckConvShape(s);
  HWY_DYNAMIC_DISPATCH(DwConvForwardImpl)(s, x, w, b, y);
}

}  // namespace quadra
#endif  // HWY_ONCE
