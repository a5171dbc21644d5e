// N-API glue for elementwise/broadcast arithmetic, the fused residual and the reductions.
#include "args.h"
#include "ops.h"
#include "quadra/dense.h"

namespace quadra::binding {
namespace {

BinaryOp OpArg(Napi::Env env, Napi::Value v) {
  if (!v.IsString()) ThrowType(env, "op: expected 'add', 'sub', 'mul' or 'div'");
  const std::string s = v.As<Napi::String>().Utf8Value();
  if (s == "add") return BinaryOp::kAdd;
  if (s == "sub") return BinaryOp::kSub;
  if (s == "mul") return BinaryOp::kMul;
  if (s == "div") return BinaryOp::kDiv;
  ThrowRange(env, "op: expected 'add', 'sub', 'mul' or 'div', got '" + s + "'");
}

}  // namespace

// binary(op, a, b, out, mode): mode 'same' (b as long as a), 'row' (b has cols elements, a is
// [rows, cols]), 'scalar' (b is a number or a 1-element Float32Array). out may be a exactly, and
// b exactly in 'same' mode; any other overlap is rejected.
Napi::Value BinaryJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const BinaryOp op = OpArg(env, info[0]);
  const F32Span a = Float32Span(env, info[1], "a");
  if (!info[4].IsString()) ThrowType(env, "mode: expected 'same', 'row' or 'scalar'");
  const std::string mode = info[4].As<Napi::String>().Utf8Value();
  float* out = Float32Arg(env, info[3], "out", a.size);
  CheckSameOrNoAlias(env, out, a.size, "out", a.data, a.size, "a");
  if (mode == "same") {
    const float* b = Float32Arg(env, info[2], "b", a.size);
    CheckSameOrNoAlias(env, out, a.size, "out", b, a.size, "b");
    RunKernel(env, [&] { BinarySame(op, a.size, a.data, b, out); });
  } else if (mode == "row") {
    const F32Span b = Float32Span(env, info[2], "b");
    if (b.size == 0 || a.size % b.size != 0) {
      ThrowRange(env, "b: expected cols elements where cols divides a's " + std::to_string(a.size) +
                          " elements, got " + std::to_string(b.size));
    }
    CheckNoAlias(env, out, a.size, "out", b.data, b.size, "b");
    RunKernel(env, [&] { BinaryRow(op, a.size / b.size, b.size, a.data, b.data, out); });
  } else if (mode == "scalar") {
    float s;
    if (info[2].IsNumber()) {
      s = float(info[2].As<Napi::Number>().DoubleValue());
    } else {
      s = *Float32Arg(env, info[2], "b", 1);
    }
    RunKernel(env, [&] { BinaryScalar(op, a.size, a.data, s, out); });
  } else {
    ThrowRange(env, "mode: expected 'same', 'row' or 'scalar', got '" + mode + "'");
  }
  return env.Undefined();
}

// scale(x, alpha, out): out = alpha x; out may be x exactly.
Napi::Value ScaleJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const F32Span x = Float32Span(env, info[0], "x");
  const float alpha = float(NumberArg(env, info[1], "alpha"));
  float* out = Float32Arg(env, info[2], "out", x.size);
  CheckSameOrNoAlias(env, out, x.size, "out", x.data, x.size, "x");
  RunKernel(env, [&] { Scale(x.size, x.data, alpha, out); });
  return env.Undefined();
}

// axpy(alpha, x, y): y += alpha x; y may be x exactly.
Napi::Value AxpyJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const float alpha = float(NumberArg(env, info[0], "alpha"));
  const F32Span x = Float32Span(env, info[1], "x");
  float* y = Float32Arg(env, info[2], "y", x.size);
  CheckSameOrNoAlias(env, y, x.size, "y", x.data, x.size, "x");
  RunKernel(env, [&] { Axpy(x.size, alpha, x.data, y); });
  return env.Undefined();
}

namespace {

// x is [rows, cols] with cols given: returns rows.
int64_t RowsOf(Napi::Env env, const F32Span& x, int64_t cols, const char* name) {
  if (x.size == 0 || x.size % cols != 0) {
    ThrowRange(env, std::string(name) + ": expected a positive multiple of cols = " + std::to_string(cols) +
                        " elements, got " + std::to_string(x.size));
  }
  return x.size / cols;
}

}  // namespace

// scaleAdd(x, z, gamma, cols, out): out = x + gamma * z (gamma per column); out may be x exactly.
Napi::Value ScaleAddJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const F32Span x = Float32Span(env, info[0], "x");
  const int64_t cols = PositiveIntArg(env, info[3], "cols");
  const int64_t rows = RowsOf(env, x, cols, "x");
  const float* z = Float32Arg(env, info[1], "z", x.size);
  const float* gamma = Float32Arg(env, info[2], "gamma", cols);
  float* out = Float32Arg(env, info[4], "out", x.size);
  CheckSameOrNoAlias(env, out, x.size, "out", x.data, x.size, "x");
  CheckNoAlias(env, out, x.size, "out", z, x.size, "z");
  CheckNoAlias(env, out, x.size, "out", gamma, cols, "gamma");
  RunKernel(env, [&] { ScaleAdd(rows, cols, x.data, z, gamma, out); });
  return env.Undefined();
}

// scaleAddBackward(z, gamma, dy, cols, dz | null, dgamma | null): dz may be dy exactly.
Napi::Value ScaleAddBackwardJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const F32Span z = Float32Span(env, info[0], "z");
  const int64_t cols = PositiveIntArg(env, info[3], "cols");
  const int64_t rows = RowsOf(env, z, cols, "z");
  const int64_t n = z.size;
  const float* gamma = Float32Arg(env, info[1], "gamma", cols);
  const float* dy = Float32Arg(env, info[2], "dy", n);
  float* dz = Float32Arg(env, info[4], "dz", n, true);
  float* dgamma = Float32Arg(env, info[5], "dgamma", cols, true);
  CheckSameOrNoAlias(env, dz, n, "dz", dy, n, "dy");
  CheckNoAlias(env, dz, n, "dz", z.data, n, "z");
  CheckNoAlias(env, dz, n, "dz", gamma, cols, "gamma");
  CheckNoAlias(env, dgamma, cols, "dgamma", z.data, n, "z");
  CheckNoAlias(env, dgamma, cols, "dgamma", gamma, cols, "gamma");
  CheckNoAlias(env, dgamma, cols, "dgamma", dy, n, "dy");
  CheckNoAlias(env, dgamma, cols, "dgamma", dz, n, "dz");
  RunKernel(env, [&] { ScaleAddBackward(rows, cols, z.data, gamma, dy, dz, dgamma); });
  return env.Undefined();
}

namespace {

template <bool kColumnSums>
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t rows = PositiveIntArg(env, info[1], "rows");
  const int64_t cols = PositiveIntArg(env, info[2], "cols");
  const int64_t n = CheckedProduct(env, rows, cols, "x");
  const float* x = Float32Arg(env, info[0], "x", n);
  const int64_t n_out = kColumnSums ? cols : rows;
  float* out = Float32Arg(env, info[3], "out", n_out);
  CheckNoAlias(env, out, n_out, "out", x, n, "x");
  RunKernel(env, [&] {
    if (kColumnSums) {
      SumRows(rows, cols, x, out);
    } else {
      SumCols(rows, cols, x, out);
    }
  });
  return env.Undefined();
}

}  // namespace

// sumRows(x, rows, cols, out[cols]): column sums (the sum over rows).
Napi::Value SumRowsJs(const Napi::CallbackInfo& info) { return Reduce<true>(info); }
// sumCols(x, rows, cols, out[rows]): row sums (the sum over columns).
Napi::Value SumColsJs(const Napi::CallbackInfo& info) { return Reduce<false>(info); }

}  // namespace quadra::binding
