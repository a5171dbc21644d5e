// N-d transpose. The permutation is first reduced: size-1 axes are dropped and runs of axes that
// stay adjacent and in order are merged, so e.g. [B, 49, 3, h, d] -> [3, B, h, 49, d] becomes a
// 4-axis problem with a contiguous inner run of d. Two paths remain:
//  - the last input axis stays last: copy contiguous runs of the inner size, threads over runs;
//  - the last axis moves: a batch of 2-D transposes in cache-sized tiles (reads along the input's
//    rows, writes along the output's), threads over (batch, tile row) items.
// Pure data movement: no SIMD dispatch needed (memcpy and the tile loops vectorise).
#include <algorithm>
#include <cstring>
#include <string>

#include "quadra/errors.h"
#include "quadra/layout.h"
#include "quadra/parallel.h"
#include "quadra/strided.h"

namespace quadra {
namespace {

constexpr int64_t kGrain = int64_t(1) << 15;
constexpr int64_t kTile = 16;

struct Reduced {
  int m = 0;                 // merged axes
  int64_t odims[kMaxDims];   // output dims (merged)
  int64_t istr[kMaxDims];    // input stride of each output axis
  int last_in = -1;          // output position of the input's innermost (stride-1) axis
};

Reduced Reduce(int ndim, const int64_t* shape, const int* perm) {
  // Non-unit input axes and their new numbering.
  int newid[kMaxDims];
  int64_t sq[kMaxDims];
  int k = 0;
  for (int d = 0; d < ndim; ++d) {
    newid[d] = shape[d] == 1 ? -1 : k;
    if (shape[d] != 1) sq[k++] = shape[d];
  }
  int sp[kMaxDims], np = 0;
  for (int i = 0; i < ndim; ++i)
    if (newid[perm[i]] >= 0) sp[np++] = newid[perm[i]];
  // Groups of output axes that are consecutive input axes: [first in-axis, last in-axis].
  int g_first[kMaxDims], g_last[kMaxDims], ng = 0;
  for (int i = 0; i < np; ++i) {
    if (ng > 0 && sp[i] == g_last[ng - 1] + 1) {
      g_last[ng - 1] = sp[i];
    } else {
      g_first[ng] = g_last[ng] = sp[i];
      ++ng;
    }
  }
  // Input strides of the squeezed axes.
  int64_t sst[kMaxDims];
  int64_t s = 1;
  for (int d = k - 1; d >= 0; --d) {
    sst[d] = s;
    s *= sq[d];
  }
  Reduced r;
  r.m = ng;
  for (int g = 0; g < ng; ++g) {
    int64_t dim = 1;
    for (int d = g_first[g]; d <= g_last[g]; ++d) dim *= sq[d];
    r.odims[g] = dim;
    r.istr[g] = sst[g_last[g]];
    if (g_last[g] == k - 1) r.last_in = g;
  }
  return r;
}

void ParallelCopy(int64_t n, const float* x, float* out) {
  const int threads = PlanThreads(n, kGrain * 4);
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    int64_t b, e;
    ThreadRange(n, 16, &b, &e);
    if (e > b) CopyFloats(out + b, x + b, e - b);
  }
}

// Output runs of `inner` elements; the outer axes are r.odims[0, m-1).
void CopyRuns(const Reduced& r, const float* x, float* out) {
  const int64_t inner = r.odims[r.m - 1];
  Odometer od{};
  od.nd = r.m - 1;
  int64_t outer = 1;
  for (int d = 0; d < od.nd; ++d) {
    od.dims[d] = r.odims[d];
    od.sa[d] = r.istr[d];
    od.sb[d] = 0;
    outer *= r.odims[d];
  }
  const int threads = PlanThreads(outer * inner, kGrain);
#pragma omp parallel num_threads(threads) if (threads > 1) firstprivate(od)
  {
    int64_t b, e;
    ThreadRange(outer, 1, &b, &e);
    if (b < e) {
      od.Seek(b);
      float* o = out + b * inner;
      if (inner >= 16) {
        for (int64_t i = b; i < e; ++i, o += inner, od.Next()) CopyFloats(o, x + od.a, inner);
      } else {
        for (int64_t i = b; i < e; ++i, o += inner, od.Next()) {
          const float* src = x + od.a;
          for (int64_t c = 0; c < inner; ++c) o[c] = src[c];
        }
      }
    }
  }
}

// out[b + j*oq + i] = x[a + i*si + j] for i < I (the output's last axis), j < J (the input's last).
inline void TransposeTile(const float* x, float* out, int64_t si, int64_t oq, int64_t i0, int64_t i1, int64_t J) {
  for (int64_t j0 = 0; j0 < J; j0 += kTile) {
    const int64_t j1 = std::min(J, j0 + kTile);
    for (int64_t i = i0; i < i1; ++i) {
      const float* src = x + i * si;
      for (int64_t j = j0; j < j1; ++j) out[j * oq + i] = src[j];
    }
  }
}

void CopyTiles(const Reduced& r, const float* x, float* out) {
  const int q = r.last_in, m = r.m;
  const int64_t I = r.odims[m - 1], J = r.odims[q], si = r.istr[m - 1];
  int64_t ostr[kMaxDims];
  int64_t s = 1;
  for (int d = m - 1; d >= 0; --d) {
    ostr[d] = s;
    s *= r.odims[d];
  }
  const int64_t total = s;
  const int64_t oq = ostr[q];
  Odometer od{};
  od.nd = 0;
  int64_t batch = 1;
  for (int d = 0; d < m - 1; ++d) {
    if (d == q) continue;
    od.dims[od.nd] = r.odims[d];
    od.sa[od.nd] = r.istr[d];
    od.sb[od.nd] = ostr[d];
    ++od.nd;
    batch *= r.odims[d];
  }
  const int64_t tiles = (I + kTile - 1) / kTile;
  const int64_t items = batch * tiles;
  const int threads = PlanThreads(total, kGrain);
#pragma omp parallel num_threads(threads) if (threads > 1) firstprivate(od)
  {
    int64_t b, e;
    ThreadRange(items, 1, &b, &e);
    int64_t cur = -1;
    for (int64_t it = b; it < e; ++it) {
      const int64_t bi = it / tiles, t = it % tiles;
      if (bi != cur) {
        if (cur >= 0 && bi == cur + 1) {
          od.Next();
        } else {
          od.Seek(bi);
        }
        cur = bi;
      }
      const int64_t i0 = t * kTile, i1 = std::min(I, i0 + kTile);
      TransposeTile(x + od.a, out + od.b, si, oq, i0, i1, J);
    }
  }
}

}  // namespace

void Permute(int ndim, const int64_t* shape, const int* perm, const float* x, float* out) {
  const int64_t n = CheckedElements("permute", "shape", ndim, shape);
  bool seen[kMaxDims] = {};
  for (int i = 0; i < ndim; ++i) {
    QUADRA_CHECK_ARG(perm[i] >= 0 && perm[i] < ndim && !seen[perm[i]],
                     "permute: perm must be a permutation of 0.." + std::to_string(ndim - 1));
    seen[perm[i]] = true;
  }
  if (n == 0) return;
  const Reduced r = Reduce(ndim, shape, perm);
  if (r.m <= 1) return ParallelCopy(n, x, out);
  if (r.last_in == r.m - 1) return CopyRuns(r, x, out);
  CopyTiles(r, x, out);
}

}  // namespace quadra
