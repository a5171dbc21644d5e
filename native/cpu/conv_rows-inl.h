// Register-blocked depthwise building blocks shared by the quadratic and plain depthwise conv
// kernels (NHWC, stride 1, "same" padding, odd k, weights [k, k, C]). Included once per Highway
// target by each op file.
//
//  CorrBlock   - NW correlations of one input with NW weight sets, R output pixels in registers
//                (forward: NW = 3 for the quadratic conv, 2 for recomputing A and B, 1 for dwconv).
//  GatherBlock - dx: sum over NG gradient maps, each correlated with its flipped weight set.
//  GatherBlockK - GatherBlock for k = 3, 5, 7 with a register window over the source columns.
//  WeightGradRow - dW: per tap, sum over a row of g[w] * x[w + tap]; KB taps in registers.
//  CorrRow / CorrAllRows - CorrBlock over a row / over every row in parallel, with an epilogue.

#if defined(QUADRA_CONV_ROWS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef QUADRA_CONV_ROWS_INL_H_
#undef QUADRA_CONV_ROWS_INL_H_
#else
#define QUADRA_CONV_ROWS_INL_H_
#endif

#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include <hwy/highway.h>

#include "quadra/kernels.h"

HWY_BEFORE_NAMESPACE();
namespace quadra {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// AVX2 and SSE4 have 16 vector registers; AVX-512, NEON and SVE have 32.
#if HWY_ARCH_X86 && HWY_TARGET > HWY_AVX3
constexpr int kVecRegs = 16;
#else
constexpr int kVecRegs = 32;
#endif

// Keeps a loaded vector in a register. GCC otherwise folds the load into every FMA that uses it
// (x86 memory operands), turning one load per input pixel into NW loads and making the
// register-blocked loops load-bound instead of FMA-bound.
template <class V>
HWY_INLINE V InRegister(V v) {
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
  asm("" : "+v"(v.raw));
#elif HWY_ARCH_X86 && HWY_TARGET <= HWY_SSE4
  asm("" : "+x"(v.raw));
#endif
  return v;
}

template <int N>
using Int = std::integral_constant<int, N>;

// Geometry of one conv call, with precomputed strides.
struct Geom {
  int64_t H, W, C;
  int k, p;
  int64_t row_stride;  // W * C
  int64_t img_stride;  // H * W * C
  explicit Geom(const ConvShape& s)
      : H(s.h), W(s.w), C(s.c), k(s.k), p(s.k / 2), row_stride(s.w * s.c), img_stride(s.h * s.w * s.c) {}
};

// The gradient maps as the gradient kernels see them from output row h at one channel block:
// row[j][ky] points at map j's row h - ky + p (set for the ky whose row lies in the image), and
// consecutive pixels are `pix` floats apart. Maps are either the caller's NHWC arrays
// (pix = C) or rows the kernels wrote themselves in channel-blocked form (pix = lanes, each row
// of a channel block contiguous; Blocked = true makes pix a compile-time constant). The input
// rows x[ky] come in the same layout.
template <int NG>
struct GradRows {
  const float* row[NG][kMaxKernel];
  // The input rows the weight gradient reads: x[ky] is x's row h + ky - p, same pixel stride.
  const float* x[kMaxKernel];
  int64_t pix;
};

template <bool Blocked, class D, class Rows>
HWY_INLINE int64_t Pix(D d, const Rows& rows) {
  return Blocked ? static_cast<int64_t>(hn::Lanes(d)) : rows.pix;
}

// Calls f(Int<n>) for a run-time n in [1, Max].
template <int Max, class F>
HWY_INLINE void WithCount(int n, F&& f) {
  if constexpr (Max > 1) {
    if (n >= Max) return f(Int<Max>());
    return WithCount<Max - 1>(n, f);
  } else {
    f(Int<1>());
  }
}

// Calls f(d, c0) over the channels: full vectors, then 8-lane, 4-lane and 1-lane tails, so every
// C works on every target without reading past the end of a buffer. The 8-lane tier matters on
// AVX-512 for C = 24, 40, ... (the small Fashion-MNIST nets): 24 channels as 16 + 8 take two
// passes over the taps instead of three (16 + 4 + 4).
template <class F>
HWY_INLINE void ForChannelBlocks(int64_t C, F&& f) {
  const hn::ScalableTag<float> d;
  const int64_t L = static_cast<int64_t>(hn::Lanes(d));
  int64_t c = 0;
  for (; c + L <= C; c += L) f(d, c);
  if (L > 8) {
    const hn::CappedTag<float, 8> d8;
    for (; c + 8 <= C; c += 8) f(d8, c);
  }
  if (L > 4) {
    const hn::CappedTag<float, 4> d4;
    for (; c + 4 <= C; c += 4) f(d4, c);
  }
  const hn::CappedTag<float, 1> d1;
  for (; c < C; ++c) f(d1, c);
}

// A block of N output columns; Clip marks blocks at the image border, whose taps are checked
// per column. Border blocks keep N independent accumulators too: a one-column border path
// would be bound by FMA latency (one dependent chain), several times slower than the interior.
template <int N, bool Clip>
struct Cols {
  static constexpr int value = N;
  static constexpr bool clip = Clip;
};

// Calls f(Cols<n, clip>(), w0) over a row of W columns: the left border [0, p) and right
// border [W - p, W) as clipped blocks, the interior in blocks of R (and one shorter block).
// With Absorb, the borders are absorbed into full clipped blocks of R at each end instead, so
// every block but possibly the last has R columns (better for kernels whose clipped blocks run
// as fast as unclipped ones, i.e. CorrBlock).
template <int R, bool Absorb = false, class F>
HWY_INLINE void ForColumnBlocks(int64_t W, int p, F&& f) {
  auto block = [&](auto clip_tag, int64_t w0, int64_t n) HWY_ATTR {
    WithCount<R>(static_cast<int>(n), [&](auto n_tag) HWY_ATTR {
      f(Cols<decltype(n_tag)::value, decltype(clip_tag)::value>(), w0);
    });
  };
  if constexpr (Absorb) {
    int64_t w = 0;
    for (; w < p && w < W; w += R) block(std::true_type(), w, std::min<int64_t>(R, W - w));
    for (; w + R <= W - p; w += R) f(Cols<R, false>(), w);
    for (; w < W; w += R) block(std::true_type(), w, std::min<int64_t>(R, W - w));
    return;
  }
  const int64_t lo = std::min<int64_t>(p, W);
  const int64_t hi = std::max<int64_t>(lo, W - p);
  int64_t w = 0;
  for (; w < lo; w += R) block(std::true_type(), w, std::min<int64_t>(R, lo - w));
  w = lo;
  for (; w + R <= hi; w += R) f(Cols<R, false>(), w);
  if (w < hi) block(std::false_type(), w, hi - w);
  for (w = hi; w < W; w += R) block(std::true_type(), w, std::min<int64_t>(R, W - w));
}

// Packs NW weight sets [k, k, C] so that each channel block's taps are contiguous:
// block at c0 (width Ld) starts at dst + c0 * NW * k * k and holds [tap][set][Ld]. Weights at
// stride C would all fall into a few L1 sets (C * 4 bytes apart) and thrash with the input rows.
template <int NW>
HWY_INLINE void PackTaps(const Geom& g, const float* const* wts, float* dst) {
  const int64_t taps = int64_t(g.k) * g.k;
  ForChannelBlocks(g.C, [&](auto d, int64_t c0) HWY_ATTR {
    const int64_t L = static_cast<int64_t>(hn::Lanes(d));
    float* out = dst + c0 * NW * taps;
    for (int64_t t = 0; t < taps; ++t)
      for (int j = 0; j < NW; ++j)
        for (int64_t l = 0; l < L; ++l) out[(t * NW + j) * L + l] = wts[j][t * g.C + c0 + l];
  });
}

// This thread's contiguous share [begin, end) of `rows` (inside a parallel region).
HWY_INLINE void ThreadRows(int64_t rows, int64_t* begin, int64_t* end) {
  const int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
  *begin = rows * t / nt;
  *end = rows * (t + 1) / nt;
}

// Taps ky in [lo, hi) whose input row h + ky - p lies inside the image.
HWY_INLINE void RowTaps(const Geom& g, int64_t h, int* lo, int* hi) {
  *lo = static_cast<int>(std::max<int64_t>(0, g.p - h));
  *hi = static_cast<int>(std::min<int64_t>(g.k, g.H + g.p - h));
}

// Taps ky in [lo, hi) whose gradient-map row h - ky + p (the flipped kernel) lies inside.
HWY_INLINE void SourceRowTaps(const Geom& g, int64_t h, int* lo, int* hi) {
  *lo = static_cast<int>(std::max<int64_t>(0, h + g.p - g.H + 1));
  *hi = static_cast<int>(std::min<int64_t>(g.k, h + g.p + 1));
}

// Fills a row table for output row h: rows.row[j][ky] = map_row(j, h - ky + p) and
// rows.x[ky] = x_row(h + ky - p), for the ky whose rows lie inside the image.
template <int NG, class MapRow, class XRow>
HWY_INLINE void FillGradRows(const Geom& g, int64_t h, int64_t pix, MapRow&& map_row, XRow&& x_row,
                             GradRows<NG>& rows) {
  rows.pix = pix;
  int lo, hi;
  SourceRowTaps(g, h, &lo, &hi);
  for (int ky = lo; ky < hi; ++ky)
    for (int j = 0; j < NG; ++j) rows.row[j][ky] = map_row(j, h - ky + g.p);
  RowTaps(g, h, &lo, &hi);
  for (int ky = lo; ky < hi; ++ky) rows.x[ky] = x_row(h + ky - g.p);
}

// acc[j][r] = bias_j + sum_{ky,kx} w_j[ky,kx] * x[h+ky-p, w0+r+kx-p] for one channel block.
// `xn` points at image n, `packed` at the PackTaps<NW> weights, `bias[j]` may be null.
template <int NW, int R, bool Clip, class D>
HWY_INLINE void CorrBlock(D d, const Geom& g, const float* xn, int64_t h, int64_t w0, int64_t c0,
                          const float* packed, const float* const* bias,
                          hn::Vec<D> (&acc)[NW][R]) {
  const int64_t L = static_cast<int64_t>(hn::Lanes(d));
  const float* pk = packed + c0 * NW * g.k * g.k;
  for (int j = 0; j < NW; ++j) {
    const auto b = bias[j] ? hn::LoadU(d, bias[j] + c0) : hn::Zero(d);
    for (int r = 0; r < R; ++r) acc[j][r] = b;
  }
  int ky0, ky1;
  RowTaps(g, h, &ky0, &ky1);
  // Taps used by at least one column of the block (all of them for interior blocks).
  const int kx0 = Clip ? static_cast<int>(std::max<int64_t>(0, g.p - (w0 + R - 1))) : 0;
  const int kx1 = Clip ? static_cast<int>(std::min<int64_t>(g.k, g.W + g.p - w0)) : g.k;
  for (int ky = ky0; ky < ky1; ++ky) {
    const float* xrow = xn + (h + ky - g.p) * g.row_stride + (w0 - g.p) * g.C + c0;
    for (int kx = kx0; kx < kx1; ++kx) {
      const float* wp = pk + (int64_t(ky) * g.k + kx) * NW * L;
      hn::Vec<D> wv[NW];
      for (int j = 0; j < NW; ++j) wv[j] = hn::LoadU(d, wp + j * L);
      const float* xp = xrow + kx * g.C;
      for (int r = 0; r < R; ++r) {
        if (Clip) {
          const int64_t col = w0 + r + kx - g.p;
          if (col < 0 || col >= g.W) continue;
        }
        const auto xv = InRegister(hn::LoadU(d, xp + r * g.C));
        for (int j = 0; j < NW; ++j) acc[j][r] = hn::MulAdd(wv[j], xv, acc[j][r]);
      }
    }
  }
}

// Output columns per CorrBlock: NW*R accumulators plus NW weights and one input in registers.
template <int NW>
constexpr int CorrColumns() {
  return kVecRegs == 32 ? (NW == 1 ? 12 : NW == 2 ? 12 : 8) : (NW == 1 ? 8 : NW == 2 ? 5 : 3);
}

// acc[r] = sum_j sum_{ky,kx} w_j[ky,kx] * gj[h-ky+p, w0+r-kx+p]: the input gradient of a
// depthwise correlation (the flipped kernel), summed over NG gradient maps.
// `packed` holds the NG weight sets as PackTaps<NG> lays them out.
template <int NG, int R, bool Clip, bool Blocked, class D>
HWY_INLINE void GatherBlock(D d, const Geom& g, const GradRows<NG>& rows, int64_t h, int64_t w0,
                            int64_t c0, const float* packed, hn::Vec<D> (&acc)[R]) {
  const int64_t pix = Pix<Blocked>(d, rows);
  const int64_t L = static_cast<int64_t>(hn::Lanes(d));
  const float* pk = packed + c0 * NG * g.k * g.k;
  for (int r = 0; r < R; ++r) acc[r] = hn::Zero(d);
  int ky0, ky1;
  SourceRowTaps(g, h, &ky0, &ky1);
  // Source column w0 + r - kx + p must be in [0, W): taps used by at least one column.
  const int kx0 = Clip ? static_cast<int>(std::max<int64_t>(0, w0 + g.p - g.W + 1)) : 0;
  const int kx1 = Clip ? static_cast<int>(std::min<int64_t>(g.k, w0 + R + g.p)) : g.k;
  for (int ky = ky0; ky < ky1; ++ky) {
    for (int kx = kx0; kx < kx1; ++kx) {
      const float* wp = pk + (int64_t(ky) * g.k + kx) * NG * L;
      for (int j = 0; j < NG; ++j) {
        const auto wv = hn::LoadU(d, wp + j * L);
        const float* sp = rows.row[j][ky] + (w0 + g.p - kx) * pix;
        for (int r = 0; r < R; ++r) {
          if (Clip) {
            const int64_t col = w0 + r - kx + g.p;
            if (col < 0 || col >= g.W) continue;
          }
          acc[r] = hn::MulAdd(wv, hn::LoadU(d, sp + r * pix), acc[r]);
        }
      }
    }
  }
}

// Number of columns in a block of accumulators handed to an epilogue.
template <class Acc>
constexpr int BlockColumns() {
  return static_cast<int>(std::extent<std::remove_reference_t<Acc>, 1>::value);
}

// One output row h of image `xn`, channel block c0: CorrBlock<NW> over every column, each
// block's accumulators handed to epilogue(w0, acc) (acc is hn::Vec<D>[NW][BlockColumns]).
template <int NW, class D, class Epilogue>
HWY_INLINE void CorrRow(D d, const Geom& g, const float* xn, int64_t h, int64_t c0,
                        const float* packed, const float* const* bias, Epilogue&& epilogue) {
  ForColumnBlocks<CorrColumns<NW>(), /*Absorb=*/true>(g.W, g.p, [&](auto r_tag, int64_t w0) HWY_ATTR {
    hn::Vec<D> acc[NW][decltype(r_tag)::value];
    CorrBlock<NW, decltype(r_tag)::value, decltype(r_tag)::clip>(d, g, xn, h, w0, c0, packed, bias, acc);
    epilogue(w0, acc);
  });
}

// Every output row in parallel: epilogue(d, acc, o) with o the NHWC offset of the block's
// first output pixel at channel c0.
template <int NW, class Epilogue>
HWY_INLINE void CorrAllRows(const ConvShape& s, const float* x, const float* packed,
                            const float* const* bias, Epilogue&& epilogue) {
  const Geom g(s);
  const int64_t rows = s.n * s.h;
#pragma omp parallel for schedule(static) num_threads(NumThreads())
  for (int64_t row = 0; row < rows; ++row) {
    const int64_t n = row / g.H, h = row % g.H;
    ForChannelBlocks(g.C, [&](auto d, int64_t c0) HWY_ATTR {
      CorrRow<NW>(d, g, x + n * g.img_stride, h, c0, packed, bias, [&](int64_t w0, auto& acc) HWY_ATTR {
        epilogue(d, acc, row * g.row_stride + w0 * g.C + c0);
      });
    });
  }
}

// GatherBlock for interior columns with a compile-time kernel size K: along a row, the R
// outputs and K taps touch only R + K - 1 distinct source columns, so each is loaded once and
// feeds every output it reaches, with the K weights of the row held in registers (K + R + 1
// registers). This turns the load-bound gather into an FMA-bound one.
template <int K>
constexpr int GatherColumnsK() {
  return kVecRegs == 32 ? 12 : (K <= 5 ? 8 : 4);
}

template <int NG, int R, int K, bool Blocked, class D>
HWY_INLINE void GatherBlockK(D d, const Geom& g, const GradRows<NG>& rows, int64_t h, int64_t w0,
                             int64_t c0, const float* packed, hn::Vec<D> (&acc)[R]) {
  const int64_t pix = Pix<Blocked>(d, rows);
  constexpr int P = K / 2;
  const int64_t L = static_cast<int64_t>(hn::Lanes(d));
  const float* pk = packed + c0 * NG * K * K;
  for (int r = 0; r < R; ++r) acc[r] = hn::Zero(d);
  int ky0, ky1;
  SourceRowTaps(g, h, &ky0, &ky1);
  for (int ky = ky0; ky < ky1; ++ky) {
    for (int j = 0; j < NG; ++j) {
      const float* wp = pk + int64_t(ky) * K * NG * L + j * L;
      hn::Vec<D> wv[K];
#pragma GCC unroll 32
      for (int kx = 0; kx < K; ++kx) wv[kx] = hn::LoadU(d, wp + kx * NG * L);
      // Source column of output r and tap kx is w0 + r - kx + P = (w0 - P) + q with
      // q = r - kx + K - 1 in [0, R + K - 2].
      const float* src = rows.row[j][ky] + (w0 - P) * pix;
#pragma GCC unroll 64
      for (int q = 0; q < R + K - 1; ++q) {
        const auto gv = InRegister(hn::LoadU(d, src + q * pix));
#pragma GCC unroll 32
        for (int r = 0; r < R; ++r) {
          const int kx = r + K - 1 - q;
          if (kx >= 0 && kx < K) acc[r] = hn::MulAdd(wv[kx], gv, acc[r]);
        }
      }
    }
  }
}

// Taps per WeightGradRow pass: NG*KB accumulators plus NG gradients and one input in registers.
template <int NG>
constexpr int WeightGradTaps() {
  return NG == 1 ? 8 : (kVecRegs == 32 ? 7 : 3);
}

// For taps kx in [kx0, kx0 + KB) of row ky: acc[j][t] += sum_w gj[h, w] * x[h+ky-p, w+kx0+t-p].
// `grow[j]` points at row h of gradient map j, `xrow` at input row h+ky-p (same layout).
template <int NG, int KB, class D>
HWY_INLINE void WeightGradRow(D d, const Geom& g, int64_t pix, const float* const* grow,
                              const float* xrow, int kx0, hn::Vec<D> (&acc)[NG][KB]) {
  for (int j = 0; j < NG; ++j)
    for (int t = 0; t < KB; ++t) acc[j][t] = hn::Zero(d);
  const int64_t W = g.W;
  // Columns w where all KB taps are inside: 0 <= w + kx0 - p and w + kx0 + KB - 1 - p < W.
  const int64_t lo = std::min<int64_t>(W, std::max<int64_t>(0, g.p - kx0));
  const int64_t hi = std::max<int64_t>(lo, std::min<int64_t>(W, W + g.p - kx0 - KB + 1));
  auto one_column = [&](int64_t w, bool clip) HWY_ATTR {
    hn::Vec<D> gv[NG];
    for (int j = 0; j < NG; ++j) gv[j] = hn::LoadU(d, grow[j] + w * pix);
    const float* xp = xrow + (w + kx0 - g.p) * pix;
    for (int t = 0; t < KB; ++t) {
      if (clip) {
        const int64_t iw = w + kx0 + t - g.p;
        if (iw < 0 || iw >= W) continue;
      }
      const auto xv = InRegister(hn::LoadU(d, xp + t * pix));
      for (int j = 0; j < NG; ++j) acc[j][t] = hn::MulAdd(gv[j], xv, acc[j][t]);
    }
  };
  for (int64_t w = 0; w < lo; ++w) one_column(w, true);
  for (int64_t w = lo; w < hi; ++w) one_column(w, false);
  for (int64_t w = hi; w < W; ++w) one_column(w, true);
}

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#endif  // QUADRA_CONV_ROWS_INL_H_
