// Im2Col / Col2Im for dense convs (patchify stems, downsampling) as GEMM: NHWC patches to rows of
// [kh·kw·c]. Col2Im is written as a gather over the patches that cover each input element (no
// atomics, deterministic), which also overwrites dx as the reference's fill(0) + scatter-add.
#include "qcuda/launch.cuh"

namespace qc {
namespace {

__global__ void Im2ColK(const float* x, Conv2dGeom g, float* cols, int64_t total) {
  const int64_t pc = g.kh * g.kw * g.c;
  QC_GRID_STRIDE(i, total) {
    const int64_t row = i / pc, col = i - row * pc;
    const int64_t tap = col / g.c, c = col - tap * g.c;
    const int64_t ky = tap / g.kw, kx = tap - ky * g.kw;
    const int64_t ox = row % g.wo, t = row / g.wo, oy = t % g.ho, n = t / g.ho;
    const int64_t iy = oy * g.stride - g.pad + ky, ix = ox * g.stride - g.pad + kx;
    const bool inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
    cols[i] = inside ? x[((n * g.h + iy) * g.w + ix) * g.c + c] : 0.f;
  }
}

__global__ void Col2ImK(const float* cols, Conv2dGeom g, float* dx, int64_t total) {
  const int64_t pc = g.kh * g.kw * g.c;
  QC_GRID_STRIDE(i, total) {
    const int64_t c = i % g.c, p = i / g.c, ix = p % g.w, t = p / g.w, iy = t % g.h, n = t / g.h;
    float acc = 0.f;
    for (int64_t ky = 0; ky < g.kh; ++ky) {
      const int64_t ny = iy + g.pad - ky;
      if (ny < 0 || ny % g.stride != 0) continue;
      const int64_t oy = ny / g.stride;
      if (oy >= g.ho) continue;
      for (int64_t kx = 0; kx < g.kw; ++kx) {
        const int64_t nx = ix + g.pad - kx;
        if (nx < 0 || nx % g.stride != 0) continue;
        const int64_t ox = nx / g.stride;
        if (ox >= g.wo) continue;
        acc += cols[((n * g.ho + oy) * g.wo + ox) * pc + (ky * g.kw + kx) * g.c + c];
      }
    }
    dx[i] = acc;
  }
}

}  // namespace

void Im2Col(const float* x, const Conv2dGeom& g, float* cols, cudaStream_t st) {
  const int64_t total = g.n * g.ho * g.wo * g.kh * g.kw * g.c;
  if (total <= 0) return;
  Im2ColK<<<GridFor(total), kThreads, 0, st>>>(x, g, cols, total);
  CheckLaunch("Im2Col");
}

void Col2Im(const float* cols, const Conv2dGeom& g, float* dx, cudaStream_t st) {
  const int64_t total = g.n * g.h * g.w * g.c;
  if (total <= 0) return;
  Col2ImK<<<GridFor(total), kThreads, 0, st>>>(cols, g, dx, total);
  CheckLaunch("Col2Im");
}

}  // namespace qc
