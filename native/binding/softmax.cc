// N-API glue for the softmax family: Softmax, SoftmaxGrad, CrossEntropy, CrossEntropyGrad.
#include <string>

#include "args.h"
#include "ops.h"
#include "quadra/layout.h"

namespace quadra::binding {

// Softmax(x, rows, cols, out, log): row-wise (log-)softmax; out may be x exactly; no rows, no work.
Napi::Value SoftmaxJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t rows = NonNegIntArg(env, info[1], "rows");
  const int64_t cols = NonNegIntArg(env, info[2], "cols");
  const int64_t n = CheckedProduct(env, rows, cols, "x");
  const float* x = Float32Arg(env, info[0], "x", n);
  float* out = Float32Arg(env, info[3], "out", n);
  CheckSameOrNoAlias(env, out, n, "out", x, n, "x");
  const bool log = BoolArg(env, info[4], "log");
  if (n == 0) return env.Undefined();
  RunKernel(env, [&] { Softmax(rows, cols, x, out, log); });
  return env.Undefined();
}

// SoftmaxGrad(y, dy, rows, cols, dx, log): dx may be dy exactly.
Napi::Value SoftmaxGradJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t rows = NonNegIntArg(env, info[2], "rows");
  const int64_t cols = NonNegIntArg(env, info[3], "cols");
  const int64_t n = CheckedProduct(env, rows, cols, "y");
  const float* y = Float32Arg(env, info[0], "y", n);
  const float* dy = Float32Arg(env, info[1], "dy", n);
  float* dx = Float32Arg(env, info[4], "dx", n);
  CheckSameOrNoAlias(env, dx, n, "dx", dy, n, "dy");
  CheckNoAlias(env, dx, n, "dx", y, n, "y");
  const bool log = BoolArg(env, info[5], "log");
  if (n == 0) return env.Undefined();
  RunKernel(env, [&] { SoftmaxGrad(rows, cols, y, dy, dx, log); });
  return env.Undefined();
}

namespace {

// labels: an Int32Array of `rows` class indices in [0, cols).
const int32_t* LabelsArg(Napi::Env env, Napi::Value v, int64_t rows, int64_t cols) {
  int64_t m;
  const int32_t* labels = Int32Arg(env, v, "labels", &m);
  if (m != rows) ThrowRange(env, "labels: expected " + std::to_string(rows) + " elements, got " + std::to_string(m));
  for (int64_t r = 0; r < rows; ++r) {
    if (labels[r] < 0 || labels[r] >= cols) {
      ThrowRange(env, "labels[" + std::to_string(r) + "]: expected a class in [0, " + std::to_string(cols - 1) +
                          "], got " + std::to_string(labels[r]));
    }
  }
  return labels;
}

double SmoothingArg(Napi::Env env, Napi::Value v) {
  const double s = NumberArg(env, v, "smoothing");
  if (!(s >= 0 && s <= 1)) ThrowRange(env, "smoothing: expected a number in [0, 1]");
  return s;
}

}  // namespace

// CrossEntropy(logits, rows, cols, labels, smoothing, probs): the mean label-smoothed loss;
// probs receives the softmax (for the backward).
Napi::Value CrossEntropyJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t rows = PositiveIntArg(env, info[1], "rows");
  const int64_t cols = PositiveIntArg(env, info[2], "cols");
  const int64_t n = CheckedProduct(env, rows, cols, "logits");
  const float* logits = Float32Arg(env, info[0], "logits", n);
  const int32_t* labels = LabelsArg(env, info[3], rows, cols);
  const double smoothing = SmoothingArg(env, info[4]);
  float* probs = Float32Arg(env, info[5], "probs", n);
  CheckSameOrNoAlias(env, probs, n, "probs", logits, n, "logits");
  double loss = 0;
  RunKernel(env, [&] { loss = CrossEntropy(rows, cols, logits, labels, float(smoothing), probs); });
  return Napi::Number::New(env, loss);
}

// CrossEntropyGrad(probs, rows, cols, labels, smoothing, scale, dx): dx = (probs - target) scale.
Napi::Value CrossEntropyGradJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t rows = PositiveIntArg(env, info[1], "rows");
  const int64_t cols = PositiveIntArg(env, info[2], "cols");
  const int64_t n = CheckedProduct(env, rows, cols, "probs");
  const float* probs = Float32Arg(env, info[0], "probs", n);
  const int32_t* labels = LabelsArg(env, info[3], rows, cols);
  const double smoothing = SmoothingArg(env, info[4]);
  const float scale = float(NumberArg(env, info[5], "scale"));
  float* dx = Float32Arg(env, info[6], "dx", n);
  CheckSameOrNoAlias(env, dx, n, "dx", probs, n, "probs");
  RunKernel(env, [&] { CrossEntropyGrad(rows, cols, probs, labels, float(smoothing), scale, dx); });
  return env.Undefined();
}

}  // namespace quadra::binding
