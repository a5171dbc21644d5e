// Register-blocked depthwise building blocks shared by the quadratic and plain depthwise conv
// kernels (NHWC, stride 1, "same" padding, odd k, weights [k, k, C]). Included once per Highway
// target by each op file.
//
//  CorrBlock   - NW correlations of one input with NW weight sets, R output pixels in registers
//                (forward: NW = 3 for the quadratic conv, 2 for recomputing A and B, 1 for dwconv).
//  GatherBlock - dx: sum over NG gradient maps, each correlated with its flipped weight set.
//  WeightGradRow - dW: per tap, sum over a row of g[w] * x[w + tap]; KB taps in registers.

#if defined(QUADRA_CONV_ROWS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef QUADRA_CONV_ROWS_INL_H_
#undef QUADRA_CONV_ROWS_INL_H_
#else
#define QUADRA_CONV_ROWS_INL_H_
#endif

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

// Calls f(d, c0) over the channels: full vectors, then 4-lane and 1-lane tails, so every C
// works on every target without reading past the end of a buffer.
template <class F>
HWY_INLINE void ForChannelBlocks(int64_t C, F&& f) {
  const hn::ScalableTag<float> d;
  const int64_t L = static_cast<int64_t>(hn::Lanes(d));
  int64_t c = 0;
  for (; c + L <= C; c += L) f(d, c);
  if (L > 4) {
    const hn::CappedTag<float, 4> d4;
    for (; c + 4 <= C; c += 4) f(d4, c);
  }
  const hn::CappedTag<float, 1> d1;
  for (; c < C; ++c) f(d1, c);
}

// Calls f(Int<R>, w0) for blocks of R interior columns (every tap inside the row) and
// f(Int<1>, w) for border and leftover columns, which clip their taps.
template <int R, class F>
HWY_INLINE void ForColumnBlocks(int64_t W, int p, F&& f) {
  const int64_t lo = std::min<int64_t>(p, W);
  const int64_t hi = W - p;
  int64_t w = 0;
  for (; w < lo; ++w) f(Int<1>(), w);
  for (; w + R <= hi; w += R) f(Int<R>(), w);
  if (w < hi) {
    WithCount<R>(static_cast<int>(hi - w), [&](auto n) HWY_ATTR { f(n, w); });
    w = hi;
  }
  for (; w < W; ++w) f(Int<1>(), w);
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

// Taps ky in [lo, hi) whose input row h + ky - p lies inside the image.
HWY_INLINE void RowTaps(const Geom& g, int64_t h, int* lo, int* hi) {
  *lo = static_cast<int>(std::max<int64_t>(0, g.p - h));
  *hi = static_cast<int>(std::min<int64_t>(g.k, g.H + g.p - h));
}

// Correlation taps kx valid for every output column in [w0, w0 + R).
HWY_INLINE void ColTaps(const Geom& g, int64_t w0, int R, int* lo, int* hi) {
  *lo = static_cast<int>(std::max<int64_t>(0, g.p - w0));
  *hi = static_cast<int>(std::min<int64_t>(g.k, g.W + g.p - (w0 + R - 1)));
}

// acc[j][r] = bias_j + sum_{ky,kx} w_j[ky,kx] * x[h+ky-p, w0+r+kx-p] for one channel block.
// `xn` points at image n, `packed` at the PackTaps<NW> weights, `bias[j]` may be null.
template <int NW, int R, class D>
HWY_INLINE void CorrBlock(D d, const Geom& g, const float* xn, int64_t h, int64_t w0, int64_t c0,
                          const float* packed, const float* const* bias,
                          hn::Vec<D> (&acc)[NW][R]) {
  const int64_t L = static_cast<int64_t>(hn::Lanes(d));
  const float* pk = packed + c0 * NW * g.k * g.k;
  for (int j = 0; j < NW; ++j) {
    const auto b = bias[j] ? hn::LoadU(d, bias[j] + c0) : hn::Zero(d);
    for (int r = 0; r < R; ++r) acc[j][r] = b;
  }
  int ky0, ky1, kx0, kx1;
  RowTaps(g, h, &ky0, &ky1);
  ColTaps(g, w0, R, &kx0, &kx1);
  for (int ky = ky0; ky < ky1; ++ky) {
    const float* xrow = xn + (h + ky - g.p) * g.row_stride + (w0 - g.p) * g.C + c0;
    for (int kx = kx0; kx < kx1; ++kx) {
      const float* wp = pk + (int64_t(ky) * g.k + kx) * NW * L;
      hn::Vec<D> wv[NW];
      for (int j = 0; j < NW; ++j) wv[j] = hn::LoadU(d, wp + j * L);
      const float* xp = xrow + kx * g.C;
      for (int r = 0; r < R; ++r) {
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
template <int NG, int R, class D>
HWY_INLINE void GatherBlock(D d, const Geom& g, const float* const* gn, int64_t h, int64_t w0,
                            int64_t c0, const float* packed, hn::Vec<D> (&acc)[R]) {
  const int64_t L = static_cast<int64_t>(hn::Lanes(d));
  const float* pk = packed + c0 * NG * g.k * g.k;
  for (int r = 0; r < R; ++r) acc[r] = hn::Zero(d);
  // Source row h - ky + p must be in [0, H): ky in (h + p - H, h + p].
  const int ky0 = static_cast<int>(std::max<int64_t>(0, h + g.p - g.H + 1));
  const int ky1 = static_cast<int>(std::min<int64_t>(g.k, h + g.p + 1));
  const int kx0 = static_cast<int>(std::max<int64_t>(0, w0 + R - 1 + g.p - g.W + 1));
  const int kx1 = static_cast<int>(std::min<int64_t>(g.k, w0 + g.p + 1));
  for (int ky = ky0; ky < ky1; ++ky) {
    const int64_t src_row = (h - ky + g.p) * g.row_stride + (w0 + g.p) * g.C + c0;
    for (int kx = kx0; kx < kx1; ++kx) {
      const float* wp = pk + (int64_t(ky) * g.k + kx) * NG * L;
      for (int j = 0; j < NG; ++j) {
        const auto wv = hn::LoadU(d, wp + j * L);
        const float* sp = gn[j] + src_row - kx * g.C;
        for (int r = 0; r < R; ++r) acc[r] = hn::MulAdd(wv, hn::LoadU(d, sp + r * g.C), acc[r]);
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
// `grow[j]` points at row h of gradient map j, `xrow` at input row h+ky-p (both at channel c0).
template <int NG, int KB, class D>
HWY_INLINE void WeightGradRow(D d, const Geom& g, const float* const* grow, const float* xrow,
                              int kx0, hn::Vec<D> (&acc)[NG][KB]) {
  for (int j = 0; j < NG; ++j)
    for (int t = 0; t < KB; ++t) acc[j][t] = hn::Zero(d);
  const int64_t W = g.W;
  // Columns w where all KB taps are inside: 0 <= w + kx0 - p and w + kx0 + KB - 1 - p < W.
  const int64_t lo = std::min<int64_t>(W, std::max<int64_t>(0, g.p - kx0));
  const int64_t hi = std::max<int64_t>(lo, std::min<int64_t>(W, W + g.p - kx0 - KB + 1));
  auto one_column = [&](int64_t w, bool clip) HWY_ATTR {
    hn::Vec<D> gv[NG];
    for (int j = 0; j < NG; ++j) gv[j] = hn::LoadU(d, grow[j] + w * g.C);
    const float* xp = xrow + (w + kx0 - g.p) * g.C;
    for (int t = 0; t < KB; ++t) {
      if (clip) {
        const int64_t iw = w + kx0 + t - g.p;
        if (iw < 0 || iw >= W) continue;
      }
      const auto xv = InRegister(hn::LoadU(d, xp + t * g.C));
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
