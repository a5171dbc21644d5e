// Quadratic depthwise conv, backward. With A = Wa*x + ba and B = Wb*x + bb:
//   gA = dy . B,  gB = dy . A,  gC = dy
// then one gradient pass over (gA, gB, dy) gives dx, dWa, dWb, dWc and the bias gradients.
// Only gA and gB are materialised (reused scratch); A and B are either recomputed from x in
// registers (default) or read from the forward's saved copies.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "quadconv_bwd.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "conv_grad-inl.h"

HWY_BEFORE_NAMESPACE();
namespace quadra {
namespace HWY_NAMESPACE {

// gA, gB from A and B recomputed in registers.
void GatesRecompute(const ConvShape& s, const float* x, const QuadWeights& qw, const float* dy,
                    float* ga, float* gb) {
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
    const int64_t out_row = row * g.row_stride;
    ForChannelBlocks(g.C, [&](auto d, int64_t c0) HWY_ATTR {
      ForColumnBlocks<R>(g.W, g.p, [&](auto r_tag, int64_t w0) HWY_ATTR {
        constexpr int NR = decltype(r_tag)::value;
        hn::Vec<decltype(d)> acc[2][NR];
        CorrBlock<2, NR>(d, g, xn, h, w0, c0, packed, bias, acc);
        for (int r = 0; r < NR; ++r) {
          const int64_t o = out_row + (w0 + r) * g.C + c0;
          const auto gy = hn::LoadU(d, dy + o);
          hn::StoreU(hn::Mul(gy, acc[1][r]), d, ga + o);
          hn::StoreU(hn::Mul(gy, acc[0][r]), d, gb + o);
        }
      });
    });
  }
}

// gA, gB from the forward's saved A and B: a streaming elementwise pass.
void GatesSaved(int64_t count, const float* a, const float* b, const float* dy, float* ga, float* gb) {
  const hn::ScalableTag<float> d;
  const int64_t L = static_cast<int64_t>(hn::Lanes(d));
  const int64_t chunk = 16384;
  const int64_t chunks = (count + chunk - 1) / chunk;
#pragma omp parallel for schedule(static) num_threads(NumThreads())
  for (int64_t ci = 0; ci < chunks; ++ci) {
    const int64_t begin = ci * chunk, end = std::min(count, begin + chunk);
    int64_t i = begin;
    for (; i + L <= end; i += L) {
      const auto gy = hn::LoadU(d, dy + i);
      hn::StoreU(hn::Mul(gy, hn::LoadU(d, b + i)), d, ga + i);
      hn::StoreU(hn::Mul(gy, hn::LoadU(d, a + i)), d, gb + i);
    }
    for (; i < end; ++i) {
      ga[i] = dy[i] * b[i];
      gb[i] = dy[i] * a[i];
    }
  }
}

void QuadConvBackwardImpl(const ConvShape& s, const float* x, const QuadWeights& qw, const float* dy,
                          const float* saved_a, const float* saved_b, const QuadGrads& qg) {
  const size_t count = static_cast<size_t>(s.Elements());
  float* ga = Scratch(kScratchGradA, count);
  float* gb = Scratch(kScratchGradB, count);
  if (saved_a && saved_b) {
    GatesSaved(s.Elements(), saved_a, saved_b, dy, ga, gb);
  } else {
    GatesRecompute(s, x, qw, dy, ga, gb);
  }
  const float* gmaps[3] = {ga, gb, dy};
  const float* wts[3] = {qw.wa, qw.wb, qw.wc};
  float* dws[3] = {qg.dwa, qg.dwb, qg.dwc};
  const bool all_db = qg.dba && qg.dbb && qg.dbc;
  float* dbs[3] = {all_db ? qg.dba : nullptr, qg.dbb, qg.dbc};
  ConvGradPass<3>(s, x, gmaps, wts, qg.dx, dws, dbs);
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
