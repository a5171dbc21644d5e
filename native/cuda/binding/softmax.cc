// Glue for Softmax, SoftmaxGrad, CrossEntropy (returns the mean loss: synchronises) and its grad.
#include "args.h"
#include "ops.h"
#include "qcuda/allocator.h"

namespace qc::binding {

// Softmax(x, rows, cols, out, log); out may be x.
Napi::Value SoftmaxJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const RowsCols rc = RowsColsArg(env, info[1], info[2]);
  const int64_t rows = rc.rows, cols = rc.cols, n = rc.n;
  View x = DevArg(env, info[0], "x", n);
  View out = DevArg(env, info[3], "out", n);
  SameOrNoAlias(env, out, "out", x, "x");
  const bool log = BoolArg(env, info[4], "log");
  RunOnStream(env, [&](cudaStream_t st) { Softmax(x.p, rows, cols, out.p, log, st); });
  return env.Undefined();
}

// SoftmaxGrad(y, dy, rows, cols, dx, log); dx may be dy.
Napi::Value SoftmaxGradJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const RowsCols rc = RowsColsArg(env, info[2], info[3]);
  const int64_t rows = rc.rows, cols = rc.cols, n = rc.n;
  View y = DevArg(env, info[0], "y", n);
  View dy = DevArg(env, info[1], "dy", n);
  View dx = DevArg(env, info[4], "dx", n);
  SameOrNoAlias(env, dx, "dx", dy, "dy");
  NoAlias(env, dx, "dx", y, "y");
  const bool log = BoolArg(env, info[5], "log");
  RunOnStream(env, [&](cudaStream_t st) { SoftmaxGrad(y.p, dy.p, rows, cols, dx.p, log, st); });
  return env.Undefined();
}

namespace {

struct Labels {
  Napi::Int32Array host;
  float smoothing;
};

Labels LabelsArg(Napi::Env env, Napi::Value labels, Napi::Value smoothing, int64_t rows, int64_t cols) {
  Labels l{IndexArg(env, labels, "labels", cols), float(NumberArg(env, smoothing, "smoothing"))};
  if (int64_t(l.host.ElementLength()) != rows) {
    ThrowRange(env, "labels: expected " + std::to_string(rows) + " labels, got " + std::to_string(l.host.ElementLength()));
  }
  if (l.smoothing < 0.f || l.smoothing > 1.f) ThrowRange(env, "smoothing: expected a number in [0, 1]");
  return l;
}

}  // namespace

// CrossEntropy(logits, rows, cols, labels, smoothing, probs) -> mean loss
Napi::Value CrossEntropyJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const RowsCols rc = RowsColsArg(env, info[1], info[2], 1);
  const int64_t rows = rc.rows, cols = rc.cols, n = rc.n;
  View logits = DevArg(env, info[0], "logits", n);
  Labels l = LabelsArg(env, info[3], info[4], rows, cols);
  View probs = DevArg(env, info[5], "probs", n);
  SameOrNoAlias(env, probs, "probs", logits, "logits");
  double loss = 0;
  RunOnStream(env, [&](cudaStream_t st) {
    Scratch d(size_t(std::max<int64_t>(rows, 1)) * sizeof(int32_t));
    if (rows) QC_CHECK(cudaMemcpyAsync(d.as<int32_t>(), l.host.Data(), size_t(rows) * 4, cudaMemcpyHostToDevice, st));
    loss = CrossEntropy(logits.p, rows, cols, d.as<int32_t>(), l.smoothing, probs.p, st);
  });
  return Napi::Number::New(env, loss);
}

// CrossEntropyGrad(probs, rows, cols, labels, smoothing, scale, dx); dx may be probs.
Napi::Value CrossEntropyGradJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const RowsCols rc = RowsColsArg(env, info[1], info[2], 1);
  const int64_t rows = rc.rows, cols = rc.cols, n = rc.n;
  View probs = DevArg(env, info[0], "probs", n);
  Labels l = LabelsArg(env, info[3], info[4], rows, cols);
  const float scale = float(NumberArg(env, info[5], "scale"));
  View dx = DevArg(env, info[6], "dx", n);
  SameOrNoAlias(env, dx, "dx", probs, "probs");
  if (rows == 0) return env.Undefined();
  RunOnStream(env, [&](cudaStream_t st) {
    Scratch d(size_t(rows) * sizeof(int32_t));
    QC_CHECK(cudaMemcpyAsync(d.as<int32_t>(), l.host.Data(), size_t(rows) * 4, cudaMemcpyHostToDevice, st));
    CrossEntropyGrad(probs.p, rows, cols, d.as<int32_t>(), l.smoothing, scale, dx.p, st);
  });
  return env.Undefined();
}

}  // namespace qc::binding
