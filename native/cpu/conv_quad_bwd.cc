// Quadratic depthwise conv, backward. With A = Wa*x + ba and B = Wb*x + bb:
//   gA = dy . B,  gB = dy . A,  gC = dy
// then one gradient pass over (gA, gB, dy) gives dx, dWa, dWb, dWc and the bias gradients.
// The gates are made row by row just before the pass needs them and live in a per-thread ring
// of k rows (channel-blocked, in L2), never in full; A and B are either recomputed from x in
// registers (default) or read from the forward's saved copies.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "conv_quad_bwd.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <vector>

#include "conv_grad-inl.h"

HWY_BEFORE_NAMESPACE();
namespace quadra {
namespace HWY_NAMESPACE {

// One row of gates for one channel block: gA = dy . B, gB = dy . A and copies of dy and x,
// written channel-blocked (pixel stride = lanes) to ga/gb/gd/gx. A and B are recomputed from x in
// registers, or read from the forward's saved copies.
template <class D>
HWY_INLINE void GateRow(D d, const Geom& g, const float* x, const float* dy, const float* packed_ab,
                        const float* const* bias, const float* saved_a, const float* saved_b,
                        int64_t n, int64_t h, int64_t c0, float* ga, float* gb, float* gd,
                        float* gx) {
  const int64_t L = static_cast<int64_t>(hn::Lanes(d));
  const int64_t in_row = (n * g.H + h) * g.row_stride + c0;  // NHWC row at c0
  // x's row too, in the same layout, for the weight gradient.
  for (int64_t w = 0; w < g.W; ++w) hn::StoreU(hn::LoadU(d, x + in_row + w * g.C), d, gx + w * L);
  auto store = [&](int64_t w, hn::Vec<D> a, hn::Vec<D> b) HWY_ATTR {
    const auto gy = hn::LoadU(d, dy + in_row + w * g.C);
    hn::StoreU(hn::Mul(gy, b), d, ga + w * L);
    hn::StoreU(hn::Mul(gy, a), d, gb + w * L);
    hn::StoreU(gy, d, gd + w * L);
  };
  if (saved_a) {
    for (int64_t w = 0; w < g.W; ++w) {
      store(w, hn::LoadU(d, saved_a + in_row + w * g.C), hn::LoadU(d, saved_b + in_row + w * g.C));
    }
    return;
  }
  CorrRow<2>(d, g, x + n * g.img_stride, h, c0, packed_ab, bias, [&](int64_t w0, auto& acc) HWY_ATTR {
    for (int r = 0; r < BlockColumns<decltype(acc)>(); ++r) store(w0 + r, acc[0][r], acc[1][r]);
  });
}

void QuadConvBackwardImpl(const ConvShape& s, const float* x, const QuadWeights& qw, const float* dy,
                          const float* saved_a, const float* saved_b, const QuadGrads& qg) {
  const Geom g(s);
  const int threads = NumThreads();
  // Each thread keeps the last k rows of gA, gB, dy and x (channel-blocked) for the rows it
  // works on, so the gates never exist in full: they are made just before the gradient pass
  // needs them, and every map the pass reads is dense in cache.
  constexpr int kMaps = 4;  // gA, gB, dy, x
  const int64_t ring_size = kMaps * int64_t(g.k) * g.W * g.C;
  float* rings = Scratch(kScratchGates, size_t(threads) * ring_size);
  const float* bias_ab[2] = {qw.ba, qw.bb};
  float* packed_ab = nullptr;
  if (!saved_a) {
    const float* wts_ab[2] = {qw.wa, qw.wb};
    packed_ab = Scratch(kScratchPackedAB, size_t(2) * s.WeightElements());
    PackTaps<2>(g, wts_ab, packed_ab);
  }
  constexpr int kPad = 8;  // next-row counters a cache line apart
  std::vector<int64_t> next(size_t(threads) * kPad, 0);

  const float* wts[3] = {qw.wa, qw.wb, qw.wc};
  float* dws[3] = {qg.dwa, qg.dwb, qg.dwc};
  const bool all_db = qg.dba && qg.dbb && qg.dbc;
  float* dbs[3] = {all_db ? qg.dba : nullptr, qg.dbb, qg.dbc};
  // Ring layout per thread: channel block at c0 (width L) owns [c0 * 4k * W, + 4k * W * L):
  // map j, slot i at + (j * k + i) * W * L.
  auto ring_row = [&](int64_t c0, int64_t len, int map, int64_t r) {
    return rings + omp_get_thread_num() * ring_size + c0 * kMaps * g.k * g.W + (map * g.k + r % g.k) * len;
  };
  auto prepare = [&](bool first, int64_t n, int64_t h) HWY_ATTR {
    int64_t& nxt = next[size_t(omp_get_thread_num()) * kPad];
    // A new band or a new image: start from the first gate row that output row h reads.
    if (first || h == 0) nxt = std::max<int64_t>(0, h - g.p);
    for (const int64_t last = std::min<int64_t>(g.H - 1, h + g.p); nxt <= last; ++nxt) {
      ForChannelBlocks(g.C, [&](auto d, int64_t c0) HWY_ATTR {
        const int64_t len = g.W * static_cast<int64_t>(hn::Lanes(d));
        GateRow(d, g, x, dy, packed_ab, bias_ab, saved_a, saved_b, n, nxt, c0, ring_row(c0, len, 0, nxt),
                ring_row(c0, len, 1, nxt), ring_row(c0, len, 2, nxt), ring_row(c0, len, 3, nxt));
      });
    }
  };
  auto row_table = [&](auto d, int64_t c0, int64_t, int64_t h, GradRows<3>& rows) HWY_ATTR {
    const int64_t len = g.W * static_cast<int64_t>(hn::Lanes(d));
    FillGradRows<3>(g, h, static_cast<int64_t>(hn::Lanes(d)),
                    [&](int j, int64_t r) -> const float* { return ring_row(c0, len, j, r); },
                    [&](int64_t r) -> const float* { return ring_row(c0, len, 3, r); }, rows);
  };
  ConvGradPass<3, /*Blocked=*/true>(s, wts, qg.dx, dws, dbs, prepare, row_table);
}

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "quadra/errors.h"

namespace quadra {

HWY_EXPORT(QuadConvBackwardImpl);

void QuadConv2dGrad(const ConvShape& s, const float* x, const QuadWeights& w, const float* dy,
                      const float* saved_a, const float* saved_b, const QuadGrads& g) {
  CheckConvShape(s);
  QUADRA_CHECK_ARG((saved_a == nullptr) == (saved_b == nullptr),
                   "saved: expected both A and B or neither");
  QUADRA_CHECK_ARG(g.dwa && g.dwb && g.dwc, "g: g.dwa, g.dwb and g.dwc are required");
  QUADRA_CHECK_ARG((g.dba && g.dbb && g.dbc) || (!g.dba && !g.dbb && !g.dbc),
                   "g: expected all three bias gradients (g.dba, g.dbb, g.dbc) or none");
  HWY_DYNAMIC_DISPATCH(QuadConvBackwardImpl)(s, x, w, dy, saved_a, saved_b, g);
}

}  // namespace quadra
#endif  // HWY_ONCE
