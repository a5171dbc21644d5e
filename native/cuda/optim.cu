// Optimizer steps, in place, PyTorch's formulas (as the reference, native/cpu/optim.cc):
// AdamW with decoupled decay and bias correction; SGD with momentum, dampening, Nesterov.
// The bias corrections are computed once on the host in float64.
#include <cmath>

#include "qcuda/launch.cuh"

namespace qc {
namespace {

__global__ void AdamWK(float* p, const float* g, float* m, float* v, int64_t n, float lr, float b1, float b2, float eps,
                       float decay, float step_size, float bc2_sqrt) {
  QC_GRID_STRIDE(i, n) {
    const float gi = g[i];
    const float mi = b1 * m[i] + (1.f - b1) * gi;
    const float vi = b2 * v[i] + (1.f - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    const float pi = p[i] * decay;
    p[i] = pi - step_size * mi / (sqrtf(vi) / bc2_sqrt + eps);
  }
}

__global__ void SgdK(float* p, const float* g, float* buf, int64_t n, float lr, float momentum, float dampening,
                     float wd, bool nesterov, bool first) {
  QC_GRID_STRIDE(i, n) {
    float gi = g[i] + wd * p[i];
    if (momentum != 0.f && buf) {
      const float b = first ? gi : momentum * buf[i] + (1.f - dampening) * gi;
      buf[i] = b;
      gi = nesterov ? gi + momentum * b : b;
    }
    p[i] -= lr * gi;
  }
}

}  // namespace

void AdamW(float* p, const float* g, float* m, float* v, int64_t n, const AdamWHyper& h, cudaStream_t st) {
  if (n <= 0) return;
  const double bc1 = 1.0 - std::pow(double(h.beta1), h.step);
  const double bc2_sqrt = std::sqrt(1.0 - std::pow(double(h.beta2), h.step));
  const float step_size = float(double(h.lr) / bc1);
  const float decay = float(1.0 - double(h.lr) * double(h.weight_decay));
  AdamWK<<<GridFor(n), kThreads, 0, st>>>(p, g, m, v, n, h.lr, h.beta1, h.beta2, h.eps, decay, step_size,
                                          float(bc2_sqrt));
  CheckLaunch("AdamW");
}

void Sgd(float* p, const float* g, float* buf, int64_t n, const SgdHyper& h, cudaStream_t st) {
  if (n <= 0) return;
  SgdK<<<GridFor(n), kThreads, 0, st>>>(p, g, buf, n, h.lr, h.momentum, h.dampening, h.weight_decay, h.nesterov,
                                        h.first_step);
  CheckLaunch("Sgd");
}

}  // namespace qc
