// Quadratic depthwise conv, backward. With A = Wa*x + ba and B = Wb*x + bb:
//   gA = dy . B,  gB = dy . A,  gC = dy
// then one gradient pass over (gA, gB, dy) gives dx, dWa, dWb, dWc and the bias gradients.
// Only gA and gB are materialised (plus a copy of dy, all three in reused channel-blocked
// scratch); A and B are either recomputed from x in registers (default) or read from the
// forward's saved copies.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "quadconv_bwd.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "conv_grad-inl.h"

HWY_BEFORE_NAMESPACE();
namespace quadra {
namespace HWY_NAMESPACE {

// Writes gA = dy . B, gB = dy . A and a copy of dy for r output columns at (n, h, w0), channel
// block c0, into the channel-blocked gate maps (see MapStrides).
template <int R, class D, class GetA, class GetB>
HWY_INLINE void StoreGates(D d, const Geom& g, const float* dy, int64_t n, int64_t h, int64_t w0,
                           int64_t c0, GetA&& get_a, GetB&& get_b, float* ga, float* gb, float* gd) {
  const int64_t L = static_cast<int64_t>(hn::Lanes(d));
  const int64_t in = (n * g.H + h) * g.row_stride + w0 * g.C + c0;
  const int64_t ob = MapOffset(g, true, n, c0) + (h * g.W + w0) * L;
  for (int r = 0; r < R; ++r) {
    const auto gy = hn::LoadU(d, dy + in + r * g.C);
    hn::StoreU(hn::Mul(gy, get_b(r)), d, ga + ob + r * L);
    hn::StoreU(hn::Mul(gy, get_a(r)), d, gb + ob + r * L);
    hn::StoreU(gy, d, gd + ob + r * L);
  }
}

// Gates from A and B recomputed in registers.
void GatesRecompute(const ConvShape& s, const float* x, const QuadWeights& qw, const float* dy,
                    float* ga, float* gb, float* gd) {
  const Geom g(s);
  const float* wts[2] = {qw.wa, qw.wb};
  const float* bias[2] = {qw.ba, qw.bb};
  float* packed = Scratch(kScratchPacked, size_t(2) * s.WeightElements());
  PackTaps<2>(g, wts, packed);
  const int64_t rows = s.n * s.h;
  constexpr int R = CorrColumns<2>();
#pragma omp parallel for schedule(static) num_threads(NumThreads())
  for (int64_t row = 0; row < rows; ++row) {
    const int64_t n = row / g.H, h = row % g.H;
    const float* xn = x + n * g.img_stride;
    ForChannelBlocks(g.C, [&](auto d, int64_t c0) HWY_ATTR {
      ForColumnBlocks<R>(g.W, g.p, [&](auto r_tag, int64_t w0) HWY_ATTR {
        constexpr int NR = decltype(r_tag)::value;
        constexpr bool CL = decltype(r_tag)::clip;
        hn::Vec<decltype(d)> acc[2][NR];
        CorrBlock<2, NR, CL>(d, g, xn, h, w0, c0, packed, bias, acc);
        StoreGates<NR>(d, g, dy, n, h, w0, c0, [&](int r) HWY_ATTR { return acc[0][r]; },
                       [&](int r) HWY_ATTR { return acc[1][r]; }, ga, gb, gd);
      });
    });
  }
}

// Gates from the forward's saved A and B (NHWC).
void GatesSaved(const ConvShape& s, const float* a, const float* b, const float* dy, float* ga,
                float* gb, float* gd) {
  const Geom g(s);
  const int64_t rows = s.n * s.h;
#pragma omp parallel for schedule(static) num_threads(NumThreads())
  for (int64_t row = 0; row < rows; ++row) {
    const int64_t n = row / g.H, h = row % g.H;
    ForChannelBlocks(g.C, [&](auto d, int64_t c0) HWY_ATTR {
      const int64_t in = row * g.row_stride + c0;
      for (int64_t w = 0; w < g.W; ++w) {
        StoreGates<1>(d, g, dy, n, h, w, c0, [&](int) HWY_ATTR { return hn::LoadU(d, a + in + w * g.C); },
                      [&](int) HWY_ATTR { return hn::LoadU(d, b + in + w * g.C); }, ga, gb, gd);
      }
    });
  }
}

void QuadConvBackwardImpl(const ConvShape& s, const float* x, const QuadWeights& qw, const float* dy,
                          const float* saved_a, const float* saved_b, const QuadGrads& qg) {
  const size_t count = static_cast<size_t>(s.Elements());
  float* ga = Scratch(kScratchGradA, count);
  float* gb = Scratch(kScratchGradB, count);
  float* gd = Scratch(kScratchGradY, count);
  if (saved_a && saved_b) {
    GatesSaved(s, saved_a, saved_b, dy, ga, gb, gd);
  } else {
    GatesRecompute(s, x, qw, dy, ga, gb, gd);
  }
  const float* gmaps[3] = {ga, gb, gd};
  const float* wts[3] = {qw.wa, qw.wb, qw.wc};
  float* dws[3] = {qg.dwa, qg.dwb, qg.dwc};
  const bool all_db = qg.dba && qg.dbb && qg.dbc;
  float* dbs[3] = {all_db ? qg.dba : nullptr, qg.dbb, qg.dbc};
  ConvGradPass<3>(s, x, gmaps, /*blocked=*/true, wts, qg.dx, dws, dbs);
}

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "quadra/errors.h"

namespace quadra {

HWY_EXPORT(QuadConvBackwardImpl);

void QuadConvBackward(const ConvShape& s, const float* x, const QuadWeights& w, const float* dy,
                      const float* saved_a, const float* saved_b, const QuadGrads& g) {
  CheckConvShape(s);
  QUADRA_CHECK_ARG((saved_a == nullptr) == (saved_b == nullptr),
                   "saved: expected both A and B or neither");
  QUADRA_CHECK_ARG(g.dwa && g.dwb && g.dwc, "grads: dwa, dwb and dwc are required");
  QUADRA_CHECK_ARG((g.dba && g.dbb && g.dbc) || (!g.dba && !g.dbb && !g.dbc),
                   "grads: expected all three bias gradients or none");
  HWY_DYNAMIC_DISPATCH(QuadConvBackwardImpl)(s, x, w, dy, saved_a, saved_b, g);
}

}  // namespace quadra
#endif  // HWY_ONCE
