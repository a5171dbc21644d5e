// Label-smoothed cross-entropy on top of the vectorised log-softmax: the loss reads the
// log-probabilities (no log of a rounded probability), then probs = exp(log-probabilities) is
// kept for the backward. Rows are small (classes), so the loss terms are plain double sums.
#include <cmath>

#include "quadra/errors.h"
#include "quadra/layout.h"
#include "quadra/parallel.h"

namespace quadra {

double CrossEntropy(int64_t rows, int64_t cols, const float* logits, const int32_t* labels, float smoothing,
                    float* probs) {
  QUADRA_CHECK_ARG(rows >= 1 && cols >= 1, "crossEntropy: rows and cols must be positive");
  Softmax(rows, cols, logits, probs, /*log=*/true);
  double total = 0;
  const double on = 1.0 - smoothing, spread = double(smoothing) / double(cols);
  const int threads = PlanThreads(rows * cols, int64_t(1) << 14);
#pragma omp parallel for num_threads(threads) if (threads > 1) reduction(+ : total) schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    float* p = probs + r * cols;
    double sum_log = 0;
    for (int64_t c = 0; c < cols; ++c) sum_log += p[c];
    total += -on * p[labels[r]] - spread * sum_log;
    for (int64_t c = 0; c < cols; ++c) p[c] = std::exp(p[c]);
  }
  return total / double(rows);
}

void CrossEntropyGrad(int64_t rows, int64_t cols, const float* probs, const int32_t* labels, float smoothing,
                      float scale, float* dx) {
  QUADRA_CHECK_ARG(rows >= 1 && cols >= 1, "crossEntropyGrad: rows and cols must be positive");
  const float spread = smoothing / float(cols), on = 1.0f - smoothing;
  const int threads = PlanThreads(rows * cols, int64_t(1) << 15);
#pragma omp parallel for num_threads(threads) if (threads > 1) schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    const float* p = probs + r * cols;
    float* o = dx + r * cols;
    for (int64_t c = 0; c < cols; ++c) o[c] = (p[c] - spread) * scale;
    o[labels[r]] -= on * scale;
  }
}

}  // namespace quadra
