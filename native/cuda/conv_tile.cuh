// The depthwise-correlation machinery shared by quadconv_fwd.cu, quadconv_bwd.cu and dwconv.cu
// (NHWC, stride 1, "same" padding, odd k, weights [k, k, C]).
//
// Tiled correlation (k = 3, 5, 7): a block owns a tile of TH output rows x 8 output columns x 16
// channels of one image. The input tile with its halo ((TH+k-1) x (k+7) pixels x 16 channels) and
// the block's weights sit in shared memory. Each thread owns two channels (float2) and a row
// segment of 8 outputs: for every kernel row it loads the k+7 input pixels of its segment once
// into registers and slides the k taps over them, so one shared-memory load feeds 8·k/(k+7)
// outputs per weight set; the quadratic forward applies three weight sets to the same input
// (3 accumulators per output), which is what makes the fused kernel FMA-bound rather than
// load-bound. Rows of the tile are padded to an odd multiple of 16 floats so that the two rows
// a half-warp reads fall on different banks (conflict-free float2 loads); the weights a warp
// reads are the same for its 4 rows (broadcast).
//
// Weight gradients (k = 3, 5, 7): blocks own a channel group and walk over many tiles, each
// thread accumulating the k taps of one kernel row for its two channels in registers; at the end
// the partial sums of the block are reduced in shared memory and added to the output with one
// atomicAdd per (tap, channel) and block, not per element.
//
// Other odd k (1, 9..31): direct kernels, one thread per output (or per tap and channel group
// for the weight gradient). Correct, not tuned: the models use k = 3, 5, 7.
#pragma once
#include <algorithm>
#include <memory>
#include <string>

#include "qcuda/allocator.h"
#include "qcuda/device.h"
#include "qcuda/launch.cuh"

namespace qc::conv {

constexpr int kCG = 16;    // channels per block
constexpr int kLanes = 8;  // channel lanes of two channels each
constexpr int kR = 8;      // outputs per thread along W (= tile width)

enum Mode : int { kQuadFwd = 0, kSingle = 1, kQuadDx = 2 };

struct TileArgs {
  const float *in0 = nullptr, *in1 = nullptr, *in2 = nullptr;  // x; or dy, A, B (kQuadDx)
  const float *w0 = nullptr, *w1 = nullptr, *w2 = nullptr;     // [k, k, C] weight sets
  const float *b0 = nullptr, *b1 = nullptr, *b2 = nullptr;     // optional biases [C]
  float *out = nullptr, *save_a = nullptr, *save_b = nullptr;  // out may be null (A/B only)
  int n = 0, h = 0, w = 0, c = 0, k = 0, th = 0;
  bool flip = false;  // taps reversed: the input gradient is a correlation with flipped weights
};

__device__ __forceinline__ float Lane(float2 v, int i) { return i ? v.y : v.x; }
__device__ __forceinline__ void Fma2(float2& acc, float2 w, float2 x) {
  acc.x = fmaf(w.x, x.x, acc.x);
  acc.y = fmaf(w.y, x.y, acc.y);
}

// The epilogue of one output element (global index gi, channel c) given the three sums.
template <int MODE>
__device__ __forceinline__ void StoreOut(const TileArgs& a, int64_t gi, int c, float s0, float s1, float s2) {
  if (MODE == kQuadFwd) {
    const float av = s0 + (a.b0 ? a.b0[c] : 0.f), bv = s1 + (a.b1 ? a.b1[c] : 0.f);
    const float cv = s2 + (a.b2 ? a.b2[c] : 0.f);
    if (a.out) a.out[gi] = fmaf(av, bv, cv);
    if (a.save_a) {
      a.save_a[gi] = av;
      a.save_b[gi] = bv;
    }
  } else if (MODE == kSingle) {
    a.out[gi] = s0 + (a.b0 ? a.b0[c] : 0.f);
  } else {
    a.out[gi] = s0;
  }
}

template <int K>
__host__ __device__ constexpr int RowStride() {
  return (K + kR) * kCG;  // (K + 7) pixels, K odd so K + 7 is even: one pixel of padding
}

template <int MODE>
__host__ __device__ constexpr int Inputs() {
  return MODE == kQuadDx ? 3 : 1;
}
template <int MODE>
__host__ __device__ constexpr int WeightSets() {
  return MODE == kSingle ? 1 : 3;
}

template <int K, int MODE>
__global__ void __launch_bounds__(256) TileCorrK(TileArgs a) {
  constexpr int NT = Inputs<MODE>(), NW = WeightSets<MODE>(), NACC = MODE == kQuadFwd ? 3 : 1;
  constexpr int P = K / 2, PW = K + kR - 1, RS = RowStride<K>();
  extern __shared__ float4 smem4[];
  float* smem = reinterpret_cast<float*>(smem4);
  const int th = a.th, rows = th + K - 1;
  float* tiles = smem;
  float* wts = smem + NT * rows * RS;
  const int cgroups = (a.c + kCG - 1) / kCG;
  const int nimg = blockIdx.z / cgroups, c0 = (blockIdx.z % cgroups) * kCG;
  const int x0 = blockIdx.x * kR, y0 = blockIdx.y * th;
  const int tid = threadIdx.y * kLanes + threadIdx.x, nthr = kLanes * th;

  for (int e = tid; e < NW * K * K * kCG; e += nthr) {
    const int ch = e % kCG, t = (e / kCG) % (K * K), s = e / (kCG * K * K);
    const float* w = s == 0 ? a.w0 : (s == 1 ? a.w1 : a.w2);
    const int c = c0 + ch;
    wts[e] = c < a.c ? w[(a.flip ? K * K - 1 - t : t) * a.c + c] : 0.f;
  }
  for (int e = tid; e < rows * PW * kCG; e += nthr) {
    const int ch = e % kCG, px = e / kCG, py = px / PW, pxx = px - py * PW;
    const int gy = y0 + py - P, gx = x0 + pxx - P, c = c0 + ch;
    float v0 = 0.f, v1 = 0.f, v2 = 0.f;
    if (gy >= 0 && gy < a.h && gx >= 0 && gx < a.w && c < a.c) {
      const int64_t gi = ((int64_t(nimg) * a.h + gy) * a.w + gx) * a.c + c;
      if (MODE == kQuadDx) {
        const float d = a.in0[gi];
        v0 = d * a.in2[gi];  // gA = dy ⊙ B
        v1 = d * a.in1[gi];  // gB = dy ⊙ A
        v2 = d;              // gC = dy
      } else {
        v0 = __ldg(a.in0 + gi);
      }
    }
    const int so = py * RS + pxx * kCG + ch;
    tiles[so] = v0;
    if (NT == 3) {
      tiles[rows * RS + so] = v1;
      tiles[2 * rows * RS + so] = v2;
    }
  }
  __syncthreads();

  const int ty = threadIdx.y, cl = threadIdx.x;
  float2 acc[NACC][kR];
#pragma unroll
  for (int i = 0; i < NACC; ++i)
#pragma unroll
    for (int r = 0; r < kR; ++r) acc[i][r] = make_float2(0.f, 0.f);

#pragma unroll
  for (int s = 0; s < NT; ++s) {
    const float* tile = tiles + s * rows * RS;
#pragma unroll
    for (int ky = 0; ky < K; ++ky) {
      const float* row = tile + (ty + ky) * RS + cl * 2;
      float2 xv[PW];
#pragma unroll
      for (int j = 0; j < PW; ++j) xv[j] = *reinterpret_cast<const float2*>(row + j * kCG);
#pragma unroll
      for (int kx = 0; kx < K; ++kx) {
        const int t = ky * K + kx;
        if (MODE == kQuadFwd) {
          const float2 wa = *reinterpret_cast<const float2*>(wts + (0 * K * K + t) * kCG + cl * 2);
          const float2 wb = *reinterpret_cast<const float2*>(wts + (1 * K * K + t) * kCG + cl * 2);
          const float2 wc = *reinterpret_cast<const float2*>(wts + (2 * K * K + t) * kCG + cl * 2);
#pragma unroll
          for (int r = 0; r < kR; ++r) {
            Fma2(acc[0][r], wa, xv[r + kx]);
            Fma2(acc[NACC > 1 ? 1 : 0][r], wb, xv[r + kx]);
            Fma2(acc[NACC > 2 ? 2 : 0][r], wc, xv[r + kx]);
          }
        } else {
          const int set = MODE == kQuadDx ? s : 0;
          const float2 wv = *reinterpret_cast<const float2*>(wts + (set * K * K + t) * kCG + cl * 2);
#pragma unroll
          for (int r = 0; r < kR; ++r) Fma2(acc[0][r], wv, xv[r + kx]);
        }
      }
    }
  }

  const int oy = y0 + ty;
  if (oy >= a.h) return;
#pragma unroll
  for (int r = 0; r < kR; ++r) {
    const int ox = x0 + r;
    if (ox >= a.w) break;
    const int64_t base = ((int64_t(nimg) * a.h + oy) * a.w + ox) * a.c;
#pragma unroll
    for (int ch = 0; ch < 2; ++ch) {
      const int c = c0 + cl * 2 + ch;
      if (c >= a.c) continue;
      StoreOut<MODE>(a, base + c, c, Lane(acc[0][r], ch), Lane(acc[NACC > 1 ? 1 : 0][r], ch),
                     Lane(acc[NACC > 2 ? 2 : 0][r], ch));
    }
  }
}

// Any odd k: one thread per output element.
template <int MODE>
__global__ void DirectCorrK(TileArgs a) {
  const int K = a.k, P = K / 2;
  const int64_t total = int64_t(a.n) * a.h * a.w * a.c;
  QC_GRID_STRIDE(i, total) {
    const int c = int(i % a.c);
    const int64_t p = i / a.c;
    const int x = int(p % a.w), y = int((p / a.w) % a.h);
    const int64_t nimg = p / (int64_t(a.w) * a.h);
    float s0 = 0.f, s1 = 0.f, s2 = 0.f;
    for (int ky = 0; ky < K; ++ky) {
      const int iy = y + ky - P;
      if (iy < 0 || iy >= a.h) continue;
      for (int kx = 0; kx < K; ++kx) {
        const int ix = x + kx - P;
        if (ix < 0 || ix >= a.w) continue;
        const int64_t gi = ((nimg * a.h + iy) * a.w + ix) * a.c + c;
        const int t = ky * K + kx, tw = (a.flip || MODE == kQuadDx ? K * K - 1 - t : t) * a.c + c;
        if (MODE == kQuadFwd) {
          const float v = a.in0[gi];
          s0 = fmaf(a.w0[tw], v, s0);
          s1 = fmaf(a.w1[tw], v, s1);
          s2 = fmaf(a.w2[tw], v, s2);
        } else if (MODE == kSingle) {
          s0 = fmaf(a.w0[tw], a.in0[gi], s0);
        } else {
          const float d = a.in0[gi];
          s0 = fmaf(a.w0[tw], d * a.in2[gi], s0);
          s0 = fmaf(a.w1[tw], d * a.in1[gi], s0);
          s0 = fmaf(a.w2[tw], d, s0);
        }
      }
    }
    StoreOut<MODE>(a, i, c, s0, s1, s2);
  }
}

// False (nothing launched) when the grid does not fit gridDim.y/z <= 65535: the caller falls back
// to the direct kernel, which has no such limit.
template <int K, int MODE>
bool LaunchTile(TileArgs a, int th_max, cudaStream_t st, const char* name) {
  constexpr int NT = Inputs<MODE>(), NW = WeightSets<MODE>(), RS = RowStride<K>();
  const size_t optin = size_t(std::max(Status().shared_optin, 48 * 1024));
  auto smem_for = [](int th) { return size_t(NT * (th + K - 1) * RS + NW * K * K * kCG) * sizeof(float); };
  // Rows per tile: as many as allowed, balanced so the last tile is not mostly empty.
  int th = std::min(th_max, a.h);
  while (th > 1 && smem_for(th) > optin) --th;
  const int tiles_h = (a.h + th - 1) / th;
  a.th = (a.h + tiles_h - 1) / tiles_h;
  const size_t smem = smem_for(a.th);
  const int64_t gz = int64_t(a.n) * ((a.c + kCG - 1) / kCG);
  if (smem > optin || gz > 65535 || tiles_h > 65535) return false;
  if (smem > 48 * 1024) {
    static bool set = false;  // per instantiation
    if (!set) {
      QC_CHECK(cudaFuncSetAttribute(TileCorrK<K, MODE>, cudaFuncAttributeMaxDynamicSharedMemorySize, int(optin)));
      set = true;
    }
  }
  dim3 grid(unsigned((a.w + kR - 1) / kR), unsigned(tiles_h), unsigned(gz));
  TileCorrK<K, MODE><<<grid, dim3(kLanes, a.th), smem, st>>>(a);
  CheckLaunch(name);
  return true;
}

template <int MODE>
void Correlate(const TileArgs& a, cudaStream_t st, const char* name) {
  const int64_t total = int64_t(a.n) * a.h * a.w * a.c;
  if (total <= 0) return;
  const int th_max = MODE == kQuadDx ? 16 : 32;
  bool tiled = false;
  switch (a.k) {
    case 3: tiled = LaunchTile<3, MODE>(a, th_max, st, name); break;
    case 5: tiled = LaunchTile<5, MODE>(a, th_max, st, name); break;
    case 7: tiled = LaunchTile<7, MODE>(a, th_max, st, name); break;
    default: break;
  }
  if (!tiled) {
    DirectCorrK<MODE><<<GridFor(total), kThreads, 0, st>>>(a);
    CheckLaunch(name);
  }
}

// ---- weight and bias gradients ----

struct WGradArgs {
  const float *x = nullptr, *dy = nullptr, *A = nullptr, *B = nullptr;  // A, B: quadratic only
  float *dw0 = nullptr, *dw1 = nullptr, *dw2 = nullptr;
  float *db0 = nullptr, *db1 = nullptr, *db2 = nullptr;  // optional
  int n = 0, h = 0, w = 0, c = 0, k = 0, th = 0, rps = 0;
};

template <int K>
__host__ __device__ constexpr int RowSubsets() {
  return 256 / (kLanes * K);  // k = 3: 10, 5: 6, 7: 4
}

template <int K, int NS>
size_t WGradSmem(int th) {
  const size_t tiles = size_t((th + K - 1) * RowStride<K>() + NS * th * kR * kCG);
  const size_t red = size_t(RowSubsets<K>() * K * kLanes * NS * K * 2);
  return std::max(tiles, red) * sizeof(float);
}

// Set gradients g: quadratic: gA = dy ⊙ B, gB = dy ⊙ A, gC = dy; single: g = dy.
template <int K, int NS>
__global__ void __launch_bounds__(256) WGradTileK(WGradArgs a) {
  constexpr int RSUB = RowSubsets<K>(), P = K / 2, PW = K + kR - 1, RS = RowStride<K>();
  extern __shared__ float4 smem4[];
  float* smem = reinterpret_cast<float*>(smem4);
  const int th = a.th, rows_x = th + K - 1;
  float* xt = smem;
  float* gt = smem + rows_x * RS;  // [NS][th][kR][kCG]
  const int c0 = blockIdx.x * kCG;
  const int tiles_w = (a.w + kR - 1) / kR, tiles_h = (a.h + th - 1) / th;
  const int64_t T = int64_t(a.n) * tiles_h * tiles_w;
  const int cl = threadIdx.x, ky = threadIdx.y, sub = threadIdx.z;
  const int tid = (sub * K + ky) * kLanes + cl, nthr = kLanes * K * RSUB;

  float2 acc[NS][K], bacc[NS];
#pragma unroll
  for (int s = 0; s < NS; ++s) {
    bacc[s] = make_float2(0.f, 0.f);
#pragma unroll
    for (int kx = 0; kx < K; ++kx) acc[s][kx] = make_float2(0.f, 0.f);
  }

  for (int64_t t = blockIdx.y; t < T; t += gridDim.y) {
    const int tx = int(t % tiles_w);
    const int64_t rest = t / tiles_w;
    const int tyy = int(rest % tiles_h), nimg = int(rest / tiles_h);
    const int x0 = tx * kR, y0 = tyy * th;
    __syncthreads();  // the previous tile is no longer read
    for (int e = tid; e < rows_x * PW * kCG; e += nthr) {
      const int ch = e % kCG, px = e / kCG, py = px / PW, pxx = px - py * PW;
      const int gy = y0 + py - P, gx = x0 + pxx - P, c = c0 + ch;
      float v = 0.f;
      if (gy >= 0 && gy < a.h && gx >= 0 && gx < a.w && c < a.c) v = a.x[((int64_t(nimg) * a.h + gy) * a.w + gx) * a.c + c];
      xt[py * RS + pxx * kCG + ch] = v;
    }
    for (int e = tid; e < th * kR * kCG; e += nthr) {
      const int ch = e % kCG, px = e / kCG, py = px / kR, pxx = px - py * kR;
      const int gy = y0 + py, gx = x0 + pxx, c = c0 + ch;
      float d = 0.f, ga = 0.f, gb = 0.f;
      if (gy < a.h && gx < a.w && c < a.c) {
        const int64_t gi = ((int64_t(nimg) * a.h + gy) * a.w + gx) * a.c + c;
        d = a.dy[gi];
        if (NS == 3) {
          ga = d * a.B[gi];
          gb = d * a.A[gi];
        }
      }
      if (NS == 3) {
        gt[e] = ga;
        gt[th * kR * kCG + e] = gb;
        gt[2 * th * kR * kCG + e] = d;
      } else {
        gt[e] = d;
      }
    }
    __syncthreads();
    for (int q = 0; q < a.rps; ++q) {
      const int r = sub + RSUB * q;
      const float* xrow = xt + (r + ky) * RS + cl * 2;
      float2 xv[PW];
#pragma unroll
      for (int j = 0; j < PW; ++j) xv[j] = *reinterpret_cast<const float2*>(xrow + j * kCG);
      const float* grow = gt + r * kR * kCG + cl * 2;
#pragma unroll
      for (int wcol = 0; wcol < kR; ++wcol) {
#pragma unroll
        for (int s = 0; s < NS; ++s) {
          const float2 g = *reinterpret_cast<const float2*>(grow + s * th * kR * kCG + wcol * kCG);
          bacc[s].x += g.x;
          bacc[s].y += g.y;
#pragma unroll
          for (int kx = 0; kx < K; ++kx) Fma2(acc[s][kx], g, xv[wcol + kx]);
        }
      }
    }
  }

  // Block reduction over the row subsets, then one atomicAdd per (set, tap, channel).
  __syncthreads();
  float* red = smem;
#pragma unroll
  for (int s = 0; s < NS; ++s)
#pragma unroll
    for (int kx = 0; kx < K; ++kx) {
      float* p = red + (((((sub * K + ky) * kLanes + cl) * NS + s) * K + kx) * 2);
      p[0] = acc[s][kx].x;
      p[1] = acc[s][kx].y;
    }
  __syncthreads();
  if (sub == 0) {
#pragma unroll
    for (int s = 0; s < NS; ++s) {
      float* dw = s == 0 ? a.dw0 : (s == 1 ? a.dw1 : a.dw2);
      for (int kx = 0; kx < K; ++kx) {
        for (int ch = 0; ch < 2; ++ch) {
          const int c = c0 + cl * 2 + ch;
          if (c >= a.c) continue;
          float v = 0.f;
          for (int u = 0; u < RSUB; ++u) v += red[((((u * K + ky) * kLanes + cl) * NS + s) * K + kx) * 2 + ch];
          atomicAdd(dw + (ky * K + kx) * a.c + c, v);
        }
      }
    }
  }
  if (ky == 0) {
#pragma unroll
    for (int s = 0; s < NS; ++s) {
      float* db = s == 0 ? a.db0 : (s == 1 ? a.db1 : a.db2);
      if (!db) continue;
      for (int ch = 0; ch < 2; ++ch) {
        const int c = c0 + cl * 2 + ch;
        if (c < a.c) atomicAdd(db + c, Lane(bacc[s], ch));
      }
    }
  }
}

// Any odd k: a block per (tap, 32 channels) sums over every pixel (no atomics: it owns its outputs).
template <int NS>
__global__ void DirectWGradK(WGradArgs a) {
  __shared__ float red[8][NS][33];
  __shared__ float redb[8][NS][33];
  const int K = a.k, P = K / 2, t = blockIdx.x, ky = t / K, kx = t % K;
  const int c = blockIdx.y * 32 + threadIdx.x, lane = threadIdx.y;
  const int64_t pixels = int64_t(a.n) * a.h * a.w;
  float s[NS], sb[NS];
  for (int i = 0; i < NS; ++i) s[i] = sb[i] = 0.f;
  if (c < a.c) {
    for (int64_t p = lane; p < pixels; p += 8) {
      const int x = int(p % a.w), y = int((p / a.w) % a.h);
      const int64_t o = p * a.c + c;
      const float d = a.dy[o];
      float g[3] = {d, d, d};
      if (NS == 3) {
        g[0] = d * a.B[o];
        g[1] = d * a.A[o];
      }
      if (t == 0)
        for (int i = 0; i < NS; ++i) sb[i] += g[i];
      const int iy = y + ky - P, ix = x + kx - P;
      if (iy < 0 || iy >= a.h || ix < 0 || ix >= a.w) continue;
      const float v = a.x[o + (int64_t(ky - P) * a.w + (kx - P)) * a.c];
      for (int i = 0; i < NS; ++i) s[i] = fmaf(g[i], v, s[i]);
    }
  }
  for (int i = 0; i < NS; ++i) {
    red[lane][i][threadIdx.x] = s[i];
    redb[lane][i][threadIdx.x] = sb[i];
  }
  __syncthreads();
  if (lane == 0 && c < a.c) {
    for (int i = 0; i < NS; ++i) {
      float v = 0.f, vb = 0.f;
      for (int u = 0; u < 8; ++u) {
        v += red[u][i][threadIdx.x];
        vb += redb[u][i][threadIdx.x];
      }
      float* dw = i == 0 ? a.dw0 : (i == 1 ? a.dw1 : a.dw2);
      float* db = i == 0 ? a.db0 : (i == 1 ? a.db1 : a.db2);
      dw[t * a.c + c] = v;
      if (t == 0 && db) db[c] = vb;
    }
  }
}

template <int K, int NS>
void LaunchWGrad(WGradArgs a, cudaStream_t st, const char* name) {
  constexpr int RSUB = RowSubsets<K>();
  const size_t optin = size_t(std::max(Status().shared_optin, 48 * 1024));
  // Rows per subset: up to 4, fewer for short images, and fewer when shared memory is short.
  a.rps = std::max(1, std::min(4, (a.h + RSUB - 1) / RSUB));
  while (a.rps > 1 && WGradSmem<K, NS>(RSUB * a.rps) > optin) --a.rps;
  a.th = RSUB * a.rps;
  const size_t smem = WGradSmem<K, NS>(a.th);
  if (smem > optin) throw ArgError(std::string(name) + ": shared memory of the device too small");
  if (smem > 48 * 1024) {
    static bool set = false;
    if (!set) {
      QC_CHECK(cudaFuncSetAttribute(WGradTileK<K, NS>, cudaFuncAttributeMaxDynamicSharedMemorySize, int(optin)));
      set = true;
    }
  }
  // Zero the outputs: blocks add into them.
  const int64_t wn = int64_t(K) * K * a.c;
  float* dws[3] = {a.dw0, a.dw1, a.dw2};
  float* dbs[3] = {a.db0, a.db1, a.db2};
  for (int s = 0; s < NS; ++s) {
    Fill(dws[s], 0.f, wn, st);
    if (dbs[s]) Fill(dbs[s], 0.f, a.c, st);
  }
  const int cgroups = (a.c + kCG - 1) / kCG;
  const int64_t tiles = int64_t(a.n) * ((a.h + a.th - 1) / a.th) * ((a.w + kR - 1) / kR);
  // About four blocks per SM in all: enough to fill the GPU, few enough that the per-block
  // atomics stay a small fraction of the work.
  const int64_t want = std::max<int64_t>(1, int64_t(Status().multiprocessors) * 4 / cgroups);
  const int64_t workers = std::max<int64_t>(1, std::min<int64_t>({tiles, want, 65535}));
  if (cgroups > 65535 * 16) throw ArgError(std::string(name) + ": too many channels");
  dim3 grid{unsigned(cgroups), unsigned(workers)};
  WGradTileK<K, NS><<<grid, dim3(kLanes, K, RSUB), smem, st>>>(a);
  CheckLaunch(name);
}

template <int NS>
void WeightGrad(const WGradArgs& a, cudaStream_t st, const char* name) {
  switch (a.k) {
    case 3: LaunchWGrad<3, NS>(a, st, name); break;
    case 5: LaunchWGrad<5, NS>(a, st, name); break;
    case 7: LaunchWGrad<7, NS>(a, st, name); break;
    default: {
      if (a.c <= 0) return;
      if ((a.c + 31) / 32 > 65535) throw ArgError(std::string(name) + ": c = " + std::to_string(a.c) + " exceeds 65535 x 32 channels");
      dim3 grid{unsigned(a.k * a.k), unsigned((a.c + 31) / 32)};
      DirectWGradK<NS><<<grid, dim3(32, 8), 0, st>>>(a);
      CheckLaunch(name);
    }
  }
}

}  // namespace qc::conv
