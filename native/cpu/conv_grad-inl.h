// The gradient pass shared by the quadratic and plain depthwise conv backward: from NG gradient
// maps g_j (dL/d(W_j * x)) it computes dx = sum_j flip(W_j) * g_j, dW_j and db_j = sum g_j in one
// sweep over the rows. Weight gradients accumulate in per-thread partials, reduced at the end.
// The maps' rows come from a source that may compute them just in time (the quadratic conv's
// gates), so they never have to exist in full.

#if defined(QUADRA_CONV_GRAD_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef QUADRA_CONV_GRAD_INL_H_
#undef QUADRA_CONV_GRAD_INL_H_
#else
#define QUADRA_CONV_GRAD_INL_H_
#endif

#include <omp.h>

#include <algorithm>

#include "conv_rows-inl.h"
#include "quadra/scratch.h"

HWY_BEFORE_NAMESPACE();
namespace quadra {
namespace HWY_NAMESPACE {

// Adds this row's contribution to the thread's dW_j and db_j partials for one channel block.
// dw_t holds the thread's dW partials channel-blocked as PackTaps lays out weights: the block at
// c0 (width L) at dw_t + c0 * NG * k * k, [tap][j][L] inside, so the per-row flush of the
// accumulators touches whole aligned vectors in sequence (at stride C, e.g. 160 bytes for C = 40,
// half of them would split cache lines).
template <int NG, bool Blocked, class D>
HWY_INLINE void AccumulateWeightGrads(D d, const Geom& g, const GradRows<NG>& rows, int64_t h,
                                      int64_t c0, float* dw_t, float* const* db_t) {
  constexpr int KB = WeightGradTaps<NG>();
  const int64_t pix = Pix<Blocked>(d, rows);
  const int64_t L = static_cast<int64_t>(hn::Lanes(d));
  float* dw_blk = dw_t + c0 * NG * g.k * g.k;
  const float* grow[NG];
  for (int j = 0; j < NG; ++j) grow[j] = rows.row[j][g.p];  // row h itself
  if (db_t[0]) {
    hn::Vec<D> sum[NG];
    for (int j = 0; j < NG; ++j) sum[j] = hn::Zero(d);
    for (int64_t w = 0; w < g.W; ++w)
      for (int j = 0; j < NG; ++j) sum[j] = hn::Add(sum[j], hn::LoadU(d, grow[j] + w * pix));
    for (int j = 0; j < NG; ++j)
      hn::StoreU(hn::Add(hn::LoadU(d, db_t[j] + c0), sum[j]), d, db_t[j] + c0);
  }
  int ky0, ky1;
  RowTaps(g, h, &ky0, &ky1);
  for (int ky = ky0; ky < ky1; ++ky) {
    const float* xrow = rows.x[ky];
    for (int kx0 = 0; kx0 < g.k;) {
      const int nb = std::min(KB, g.k - kx0);
      WithCount<KB>(nb, [&](auto kb_tag) HWY_ATTR {
        constexpr int NB = decltype(kb_tag)::value;
        hn::Vec<D> acc[NG][NB];
        WeightGradRow<NG, NB>(d, g, pix, grow, xrow, kx0, acc);
        float* dst = dw_blk + (int64_t(ky) * g.k + kx0) * NG * L;
        for (int t = 0; t < NB; ++t)
          for (int j = 0; j < NG; ++j) {
            float* v = dst + (t * NG + j) * L;
            hn::StoreU(hn::Add(hn::LoadU(d, v), acc[j][t]), d, v);
          }
      });
      kx0 += nb;
    }
  }
}

// One row of dx for one channel block: interior columns with the register-window kernel when
// k is 3, 5 or 7, everything else with the generic clipped gather.
template <int NG, bool Blocked, class D>
HWY_INLINE void InputGradRow(D d, const Geom& g, const GradRows<NG>& rows, int64_t h, int64_t c0,
                             const float* packed, float* out) {
  auto generic = [&](auto r_tag, int64_t w0) HWY_ATTR {
    constexpr int NR = decltype(r_tag)::value;
    hn::Vec<D> acc[NR];
    GatherBlock<NG, NR, decltype(r_tag)::clip, Blocked>(d, g, rows, h, w0, c0, packed, acc);
    for (int r = 0; r < NR; ++r) hn::StoreU(acc[r], d, out + (w0 + r) * g.C);
  };
  auto windowed = [&](auto k_tag) HWY_ATTR {
    constexpr int K = decltype(k_tag)::value;
    constexpr int R = GatherColumnsK<K>();
    ForColumnBlocks<R>(g.W, g.p, [&](auto r_tag, int64_t w0) HWY_ATTR {
      constexpr int NR = decltype(r_tag)::value;
      if constexpr (NR == R && !decltype(r_tag)::clip) {
        hn::Vec<D> acc[R];
        GatherBlockK<NG, R, K, Blocked>(d, g, rows, h, w0, c0, packed, acc);
        for (int r = 0; r < R; ++r) hn::StoreU(acc[r], d, out + (w0 + r) * g.C);
      } else {
        generic(r_tag, w0);
      }
    });
  };
  switch (g.k) {
    case 3: windowed(Int<3>()); break;
    case 5: windowed(Int<5>()); break;
    case 7: windowed(Int<7>()); break;
    default: ForColumnBlocks<8>(g.W, g.p, generic);
  }
}

// The gradient pass: for every output row, dx (when non-null) and the dW/db partials. Each
// thread takes a contiguous band of rows; per row, `prepare(first, n, h)` runs once (it may
// compute map rows just in time; first = the thread's first row) and `rows(d, c0, n, h, maps)`
// then fills the row table of each channel block (maps and input rows). db[j] may be null only
// for all j together. dx is NHWC.
template <int NG, bool Blocked, class Prepare, class RowTable>
void ConvGradPass(const ConvShape& s, const float* const* wts, float* dx,
                  float* const* dw, float* const* db, Prepare&& prepare, RowTable&& row_table) {
  const Geom g(s);
  const int threads = NumThreads();
  const int64_t wsize = s.WeightElements();
  // Per thread: the NG dW partials channel-blocked (AccumulateWeightGrads), then NG db rows; a
  // multiple of 16 floats, so every thread's block starts 64-byte aligned like the scratch.
  const int64_t per_thread = (NG * (wsize + g.C) + 15) / 16 * 16;
  float* partials = Scratch(kScratchPartials, size_t(threads) * per_thread);
  float* packed = Scratch(kScratchPacked, size_t(NG) * wsize);
  PackTaps<NG>(g, wts, packed);
  const int64_t rows = s.n * s.h;
  const bool want_db = db[0] != nullptr;
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    float* mine = partials + t * per_thread;
    std::fill(mine, mine + per_thread, 0.0f);
    float* db_t[NG];
    for (int j = 0; j < NG; ++j) db_t[j] = want_db ? mine + NG * wsize + j * g.C : nullptr;
    int64_t r0, r1;
    ThreadRows(rows, &r0, &r1);
    for (int64_t row = r0; row < r1; ++row) {
      const int64_t n = row / g.H, h = row % g.H;
      prepare(row == r0, n, h);
      ForChannelBlocks(g.C, [&](auto d, int64_t c0) HWY_ATTR {
        GradRows<NG> maps;
        row_table(d, c0, n, h, maps);
        if (dx) InputGradRow<NG, Blocked>(d, g, maps, h, c0, packed, dx + row * g.row_stride + c0);
        AccumulateWeightGrads<NG, Blocked>(d, g, maps, h, c0, mine, db_t);
      });
    }
#pragma omp barrier
    // Sum the threads' partials into the outputs, un-blocking dW: the channel block at c0 (width
    // L) holds tap tap, set j, channel c0 + l at c0 * NG * k * k + (tap * NG + j) * L + l.
    auto across_threads = [&](int64_t i) {  // element i of every thread's partials, summed
      float acc = 0.0f;
      for (int tt = 0; tt < threads; ++tt) acc += partials[tt * per_thread + i];
      return acc;
    };
    const int64_t taps = int64_t(g.k) * g.k;
    ForChannelBlocks(g.C, [&](auto d, int64_t c0) HWY_ATTR {
      const int64_t L = static_cast<int64_t>(hn::Lanes(d));
      const int64_t base = c0 * NG * taps;
#pragma omp for schedule(static) nowait
      for (int64_t i = 0; i < NG * taps * L; ++i) {
        const int64_t tap = i / (NG * L), j = (i / L) % NG, l = i % L;
        dw[j][tap * g.C + c0 + l] = across_threads(base + i);
      }
    });
    if (want_db) {
#pragma omp for schedule(static)
      for (int64_t i = 0; i < NG * g.C; ++i) db[i / g.C][i % g.C] = across_threads(NG * wsize + i);
    }
  }
}

// Row tables for NHWC maps (the caller's arrays): nothing to compute.
template <int NG, class D>
HWY_INLINE void NhwcRows(D, const Geom& g, const float* x, const float* const* maps, int64_t n,
                         int64_t h, int64_t c0, GradRows<NG>& rows) {
  const int64_t base = n * g.img_stride + c0;
  FillGradRows<NG>(g, h, g.C, [&](int j, int64_t r) { return maps[j] + base + r * g.row_stride; },
                   [&](int64_t r) { return x + base + r * g.row_stride; }, rows);
}

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#endif  // QUADRA_CONV_GRAD_INL_H_
