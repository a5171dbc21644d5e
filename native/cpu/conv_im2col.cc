// im2col / col2im for the dense (patchify) convs: one patch row per output pixel, each tap a
// contiguous run of c channels (NHWC), so both directions are block copies / adds of c floats.
#include <cstring>

#include "quadra/kernels.h"
#include "quadra/parallel.h"

namespace quadra {

void Im2Col(const Conv2dGeom& g, const float* x, float* cols) {
  const int64_t rows = g.n * g.ho * g.wo, pc = g.kh * g.kw * g.c;
  const int threads = PlanThreads(rows * pc, int64_t(1) << 15);
#pragma omp parallel for num_threads(threads) if (threads > 1) schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t n = r / (g.ho * g.wo), oy = (r / g.wo) % g.ho, ox = r % g.wo;
    float* out = cols + r * pc;
    for (int64_t ky = 0; ky < g.kh; ++ky) {
      const int64_t iy = oy * g.stride - g.pad + ky;
      for (int64_t kx = 0; kx < g.kw; ++kx, out += g.c) {
        const int64_t ix = ox * g.stride - g.pad + kx;
        if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) {
          std::memset(out, 0, sizeof(float) * g.c);
        } else {
          std::memcpy(out, x + ((n * g.h + iy) * g.w + ix) * g.c, sizeof(float) * g.c);
        }
      }
    }
  }
}

void Col2Im(const Conv2dGeom& g, const float* cols, float* dx) {
  const int64_t pc = g.kh * g.kw * g.c, image = g.h * g.w * g.c;
  // Patches of one image only touch that image: images are split between threads, so the adds
  // never race; within an image they run in row order (the reference's order).
  const int threads = PlanThreads(g.n * g.ho * g.wo * pc, int64_t(1) << 15);
#pragma omp parallel for num_threads(threads) if (threads > 1) schedule(static)
  for (int64_t n = 0; n < g.n; ++n) {
    float* img = dx + n * image;
    std::memset(img, 0, sizeof(float) * image);
    for (int64_t oy = 0; oy < g.ho; ++oy) {
      for (int64_t ox = 0; ox < g.wo; ++ox) {
        const float* row = cols + ((n * g.ho + oy) * g.wo + ox) * pc;
        for (int64_t ky = 0; ky < g.kh; ++ky) {
          const int64_t iy = oy * g.stride - g.pad + ky;
          for (int64_t kx = 0; kx < g.kw; ++kx, row += g.c) {
            const int64_t ix = ox * g.stride - g.pad + kx;
            if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
            float* o = img + (iy * g.w + ix) * g.c;
            for (int64_t c = 0; c < g.c; ++c) o[c] += row[c];
          }
        }
      }
    }
  }
}

}  // namespace quadra
