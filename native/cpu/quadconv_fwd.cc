// Quadratic depthwise conv, forward: y = (Wa*x + ba) . (Wb*x + bb) + (Wc*x + bc) in one pass
// over x; the three accumulators of R output pixels stay in registers.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "quadconv_fwd.cc"
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
  const int64_t rows = s.n * s.h;
  constexpr int R = CorrColumns<3>();
#pragma omp parallel for schedule(static) num_threads(NumThreads())
  for (int64_t row = 0; row < rows; ++row) {
    const int64_t n = row / g.H, h = row % g.H;
    const float* xn = x + n * g.img_stride;
    const int64_t out_row = row * g.row_stride;
    ForChannelBlocks(g.C, [&](auto d, int64_t c0) HWY_ATTR {
      ForColumnBlocks<R>(g.W, g.p, [&](auto r_tag, int64_t w0) HWY_ATTR {
        constexpr int NR = decltype(r_tag)::value;
        constexpr bool CL = decltype(r_tag)::clip;
        hn::Vec<decltype(d)> acc[3][NR];
        CorrBlock<3, NR, CL>(d, g, xn, h, w0, c0, packed, bias, acc);
        for (int r = 0; r < NR; ++r) {
          const int64_t o = out_row + (w0 + r) * g.C + c0;
          hn::StoreU(hn::MulAdd(acc[0][r], acc[1][r], acc[2][r]), d, y + o);
          if (save_a) hn::StoreU(acc[0][r], d, save_a + o);
          if (save_b) hn::StoreU(acc[1][r], d, save_b + o);
        }
      });
    });
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace quadra {

HWY_EXPORT(QuadConvForwardImpl);

void QuadConvForward(const ConvShape& s, const float* x, const QuadWeights& w, float* y,
                     float* save_a, float* save_b) {
  CheckConvShape(s);
  HWY_DYNAMIC_DISPATCH(QuadConvForwardImpl)(s, x, w, y, save_a, save_b);
}

}  // namespace quadra
#endif  // HWY_ONCE
