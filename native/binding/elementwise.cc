// N-API glue for the elementwise family: Axpy, Scale, Binary, BroadcastBinary, RowScale, Gelu,
// BiasGelu, GeluGrad, BiasGeluGrad, ScaleAdd, ScaleAddGrad.
#include <algorithm>
#include <string>
#include <vector>

#include "args.h"
#include "ops.h"
#include "quadra/broadcast.h"
#include "quadra/dense.h"

namespace quadra::binding {
namespace {

BinaryOp OpArg(Napi::Env env, Napi::Value v) { return BinaryOp(napi_args::BinaryOpArg(env, v, "op")); }

// `shape` right-aligned to `ndim` axes (left-padded with 1s).
std::vector<int64_t> Align(Napi::Env env, const std::vector<int64_t>& shape, size_t ndim, const char* name) {
  if (shape.size() > ndim) {
    ThrowRange(env, std::string(name) + ": has " + std::to_string(shape.size()) + " axes, more than outShape's " +
                        std::to_string(ndim));
  }
  std::vector<int64_t> out(ndim - shape.size(), 1);
  out.insert(out.end(), shape.begin(), shape.end());
  return out;
}

}  // namespace

// Binary(op, a, b, out, mode): mode 'same' (b as long as a), 'row' (b has cols elements, a is
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

// Scale(x, alpha, out): out = alpha x; out may be x exactly.
Napi::Value ScaleJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const F32Span x = Float32Span(env, info[0], "x");
  const float alpha = float(NumberArg(env, info[1], "alpha"));
  float* out = Float32Arg(env, info[2], "out", x.size);
  CheckSameOrNoAlias(env, out, x.size, "out", x.data, x.size, "x");
  RunKernel(env, [&] { Scale(x.size, x.data, alpha, out); });
  return env.Undefined();
}

// Axpy(alpha, x, y): y += alpha x; y may be x exactly.
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

// The optional per-sample factors of ScaleAdd/ScaleAddGrad: undefined or null for none, else a
// Float32Array whose length divides `rows` (one factor per sample of rows / length rows). `out`
// must not overlap them.
SampleScale SampleScaleArg(Napi::Env env, Napi::Value v, int64_t rows, float* out, int64_t out_len,
                           const char* out_name) {
  SampleScale ss;
  if (v.IsUndefined() || v.IsNull()) return ss;
  const F32Span s = Float32Span(env, v, "sampleScale");
  if (s.size < 1 || rows % s.size != 0) {
    ThrowRange(env, "sampleScale: expected a length that divides rows = " + std::to_string(rows) + ", got " +
                        std::to_string(s.size));
  }
  CheckNoAlias(env, out, out_len, out_name, s.data, s.size, "sampleScale");
  ss.s = s.data;
  ss.rows_per = rows / s.size;
  return ss;
}

}  // namespace

// ScaleAdd(x, z, gamma, cols, out, sampleScale?): out = x + gamma * (s z) (gamma per column, s per
// sample); out may be x exactly.
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
  const SampleScale ss = SampleScaleArg(env, info[5], rows, out, x.size, "out");
  RunKernel(env, [&] { ScaleAdd(rows, cols, x.data, z, gamma, out, ss); });
  return env.Undefined();
}

// ScaleAddGrad(z, gamma, dy, cols, dz | null, dgamma | null, sampleScale?): dz may be dy exactly.
Napi::Value ScaleAddGradJs(const Napi::CallbackInfo& info) {
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
  SampleScale ss = SampleScaleArg(env, info[6], rows, dz, n, "dz");
  if (ss.s) CheckNoAlias(env, dgamma, cols, "dgamma", ss.s, rows / ss.rows_per, "sampleScale");
  RunKernel(env, [&] { ScaleAddGrad(rows, cols, z.data, gamma, dy, dz, dgamma, ss); });
  return env.Undefined();
}

// BroadcastBinary(op, a, aShape, b, bShape, out, outShape): out = a op b with NumPy broadcasting
// of both operands to outShape. out may be an operand exactly when that operand has out's size.
Napi::Value BroadcastBinaryJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const BinaryOp op = OpArg(env, info[0]);
  int64_t na, nb, no;
  const std::vector<int64_t> as = ShapeListArg(env, info[2], "aShape", &na);
  const std::vector<int64_t> bs = ShapeListArg(env, info[4], "bShape", &nb);
  const std::vector<int64_t> os = ShapeListArg(env, info[6], "outShape", &no);
  const float* a = Float32Arg(env, info[1], "a", na);
  const float* b = Float32Arg(env, info[3], "b", nb);
  float* out = Float32Arg(env, info[5], "out", no);
  CheckSameOrNoAlias(env, out, no, "out", a, na, "a");
  CheckSameOrNoAlias(env, out, no, "out", b, nb, "b");
  const std::vector<int64_t> aa = Align(env, as, os.size(), "aShape"), ba = Align(env, bs, os.size(), "bShape");
  RunKernel(env, [&] { BroadcastBinary(op, int(os.size()), aa.data(), a, ba.data(), b, os.data(), out); });
  return env.Undefined();
}

// RowScale(x, rows, cols, s, out): out[r, :] = s[r] x[r, :] (a zero s[r] gives zeros, even for
// non-finite x: drop path's dropped samples). out may be x exactly.
Napi::Value RowScaleJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t rows = PositiveIntArg(env, info[1], "rows");
  const int64_t cols = PositiveIntArg(env, info[2], "cols");
  const int64_t n = CheckedProduct(env, rows, cols, "x");
  const float* x = Float32Arg(env, info[0], "x", n);
  const float* s = Float32Arg(env, info[3], "s", rows);
  float* out = Float32Arg(env, info[4], "out", n);
  CheckSameOrNoAlias(env, out, n, "out", x, n, "x");
  CheckNoAlias(env, out, n, "out", s, rows, "s");
  RunKernel(env, [&] { RowScale(rows, cols, x, s, out); });
  return env.Undefined();
}

// Gelu(x, y): y may be x exactly.
Napi::Value GeluJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const F32Span x = Float32Span(env, info[0], "x");
  float* out = Float32Arg(env, info[1], "y", x.size);
  CheckSameOrNoAlias(env, out, x.size, "y", x.data, x.size, "x");
  RunKernel(env, [&] { Gelu(x.size, x.data, out); });
  return env.Undefined();
}

// GeluGrad(x, dy, dx): dx = dy * gelu'(x); dx may be x or dy exactly.
Napi::Value GeluGradJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const F32Span x = Float32Span(env, info[0], "x");
  const float* dy = Float32Arg(env, info[1], "dy", x.size);
  float* out = Float32Arg(env, info[2], "dx", x.size);
  CheckSameOrNoAlias(env, out, x.size, "dx", x.data, x.size, "x");
  CheckSameOrNoAlias(env, out, x.size, "dx", dy, x.size, "dy");
  RunKernel(env, [&] { GeluGrad(x.size, x.data, dy, out); });
  return env.Undefined();
}

namespace {
// The `cols` argument of a [rows, cols] buffer h: positive, and h's length a multiple of it.
int64_t ColsOf(Napi::Env env, Napi::Value v, const F32Span& h) {
  const int64_t cols = PositiveIntArg(env, v, "cols");
  if (h.size % cols != 0) {
    ThrowRange(env, "h: expected a multiple of cols = " + std::to_string(cols) + " elements, got " +
                        std::to_string(h.size));
  }
  return cols;
}
}  // namespace

// BiasGelu(h, bias | null, cols, y): h[r, :] += bias in place, y = gelu(h). y must not overlap h.
Napi::Value BiasGeluJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const F32Span h = Float32Span(env, info[0], "h");
  const int64_t cols = ColsOf(env, info[2], h);
  const float* bias = Float32Arg(env, info[1], "bias", cols, true);
  float* out = Float32Arg(env, info[3], "y", h.size);
  CheckNoAlias(env, h.data, h.size, "h", bias, cols, "bias");
  CheckNoAlias(env, out, h.size, "y", h.data, h.size, "h");
  CheckNoAlias(env, out, h.size, "y", bias, cols, "bias");
  if (h.size == 0) return env.Undefined();
  RunKernel(env, [&] {
    if (bias) {
      BiasGelu(h.size / cols, cols, h.data, bias, out);
    } else {
      Gelu(h.size, h.data, out);
    }
  });
  return env.Undefined();
}

// BiasGeluGrad(h, dy, cols, dh, db | null): dh = dy * gelu'(h), db = column sums of dh ([cols]),
// one pass. dh may be h or dy exactly; db must not overlap them.
Napi::Value BiasGeluGradJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const F32Span h = Float32Span(env, info[0], "h");
  const int64_t cols = ColsOf(env, info[2], h);
  const float* dy = Float32Arg(env, info[1], "dy", h.size);
  float* dh = Float32Arg(env, info[3], "dh", h.size);
  float* db = Float32Arg(env, info[4], "db", cols, true);
  CheckSameOrNoAlias(env, dh, h.size, "dh", h.data, h.size, "h");
  CheckSameOrNoAlias(env, dh, h.size, "dh", dy, h.size, "dy");
  CheckNoAlias(env, db, cols, "db", h.data, h.size, "h");
  CheckNoAlias(env, db, cols, "db", dy, h.size, "dy");
  CheckNoAlias(env, db, cols, "db", dh, h.size, "dh");
  if (h.size == 0) {
    if (db) std::fill(db, db + cols, 0.0f);
    return env.Undefined();
  }
  RunKernel(env, [&] { BiasGeluGrad(h.size / cols, cols, h.data, dy, dh, db); });
  return env.Undefined();
}

}  // namespace quadra::binding
