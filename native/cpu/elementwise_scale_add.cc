// Fused residual with a per-channel scale (ConvNeXt's layer scale): out = x + gamma * z, and its
// backward dz = dy * gamma, dgamma = sum over rows of dy * z (per-thread partials, block-summed).
// An optional per-sample factor s (drop path: 0 or 1/(1-p) per sample of `rows / samples` rows)
// scales z first: out = x + gamma * (s z), dz = s (dy * gamma), dgamma = sum dy * (s z). The
// products are rounded in the same order as a separate RowScale pass would round them, and a
// dropped sample (s = 0) contributes exact zeros, so the fold changes no result.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "elementwise_scale_add.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <cmath>
#include <cstring>

#include "quadra/dense.h"
#include "quadra/errors.h"
#include "quadra/parallel.h"
#include "quadra/scratch.h"

HWY_BEFORE_NAMESPACE();
namespace quadra {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using D = hn::ScalableTag<float>;

constexpr int64_t kBlockRows = 64;

// The sample factor of row r: 1 without factors, else s[r / rows_per]. Multiplying by a factor of
// 1 is exact, so the rows without factors share the scaled path and round as before.
HWY_INLINE float SampleFactor(const SampleScale& ss, int64_t r) {
  return ss.s ? ss.s[r / ss.rows_per] : 1.0f;
}

void ScaleAddImpl(int64_t rows, int64_t cols, const float* x, const float* z, const float* gamma,
                  SampleScale ss, float* out) {
  const int threads = PlanThreads(rows * cols, int64_t(1) << 16);
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    const D d;
    const int64_t N = hn::Lanes(d);
    int64_t r0, r1;
    ThreadRange(rows, 1, &r0, &r1);
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t o = r * cols;
      const float f = SampleFactor(ss, r);
      if (f == 0.0f) {  // a dropped sample: out = x, even where z is not finite
        if (out != x) std::memcpy(out + o, x + o, size_t(cols) * sizeof(float));
        continue;
      }
      const auto vf = hn::Set(d, f);
      int64_t c = 0;
      for (; c + N <= cols; c += N) {
        const auto zv = hn::Mul(vf, hn::LoadU(d, z + o + c));
        hn::StoreU(hn::MulAdd(hn::LoadU(d, gamma + c), zv, hn::LoadU(d, x + o + c)), d, out + o + c);
      }
      for (; c < cols; ++c) out[o + c] = std::fma(gamma[c], f * z[o + c], x[o + c]);
    }
  }
}

void ScaleAddBackwardImpl(int64_t rows, int64_t cols, const float* z, const float* gamma, const float* dy,
                          SampleScale ss, float* dz, float* dgamma) {
  const int threads = PlanThreads(rows * cols, int64_t(1) << 15);
  // Per thread: [running sums, block sums], cols each.
  float* scratch = dgamma ? Scratch(kScratchPartials, size_t(threads) * 2 * size_t(cols)) : nullptr;
  int used = threads;
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    const D d;
    const int64_t N = hn::Lanes(d);
    int64_t r0, r1;
    ThreadRange(rows, 1, &r0, &r1);
    float *acc = nullptr, *blk = nullptr;
    if (dgamma) {
      acc = scratch + int64_t(omp_get_thread_num()) * 2 * cols;
      blk = acc + cols;
      std::memset(acc, 0, size_t(2 * cols) * sizeof(float));
    }
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t o = r * cols;
      const float f = SampleFactor(ss, r);
      if (f == 0.0f) {  // a dropped sample: no gradient reaches z, nothing adds to dgamma
        if (dz) std::memset(dz + o, 0, size_t(cols) * sizeof(float));
      } else {
        // dy is read before dz (which may be dy) is written
        const auto vf = hn::Set(d, f);
        int64_t c = 0;
        for (; c + N <= cols; c += N) {
          const auto g = hn::LoadU(d, dy + o + c);
          if (blk) hn::StoreU(hn::MulAdd(g, hn::Mul(vf, hn::LoadU(d, z + o + c)), hn::LoadU(d, blk + c)), d, blk + c);
          if (dz) hn::StoreU(hn::Mul(vf, hn::Mul(g, hn::LoadU(d, gamma + c))), d, dz + o + c);
        }
        for (; c < cols; ++c) {
          if (blk) blk[c] = std::fma(dy[o + c], f * z[o + c], blk[c]);
          if (dz) dz[o + c] = f * (dy[o + c] * gamma[c]);
        }
      }
      if (blk && ((r - r0) % kBlockRows == kBlockRows - 1 || r == r1 - 1)) {
        for (int64_t j = 0; j < cols; ++j) {
          acc[j] += blk[j];
          blk[j] = 0.0f;
        }
      }
    }
#pragma omp single
    used = omp_get_num_threads();
  }
  if (!dgamma) return;
  for (int64_t c = 0; c < cols; ++c) {
    float s = 0;
    for (int t = 0; t < used; ++t) s += scratch[int64_t(t) * 2 * cols + c];
    dgamma[c] = s;
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace quadra {

HWY_EXPORT(ScaleAddImpl);
HWY_EXPORT(ScaleAddBackwardImpl);

namespace {
void CheckSampleScale(int64_t rows, const SampleScale& ss) {
  QUADRA_CHECK_ARG(!ss.s || (ss.rows_per >= 1 && rows % ss.rows_per == 0),
                   "sampleScale: rows must be a positive multiple of the rows per sample");
}
}  // namespace

void ScaleAdd(int64_t rows, int64_t cols, const float* x, const float* z, const float* gamma, float* out,
              SampleScale ss) {
  QUADRA_CHECK_ARG(rows >= 1 && cols >= 1, "scaleAdd: rows and cols must be positive");
  CheckSampleScale(rows, ss);
  HWY_DYNAMIC_DISPATCH(ScaleAddImpl)(rows, cols, x, z, gamma, ss, out);
}

void ScaleAddGrad(int64_t rows, int64_t cols, const float* z, const float* gamma, const float* dy, float* dz,
                  float* dgamma, SampleScale ss) {
  QUADRA_CHECK_ARG(rows >= 1 && cols >= 1, "scaleAddBackward: rows and cols must be positive");
  CheckSampleScale(rows, ss);
  HWY_DYNAMIC_DISPATCH(ScaleAddBackwardImpl)(rows, cols, z, gamma, dy, ss, dz, dgamma);
}

}  // namespace quadra
#endif  // HWY_ONCE
