// Glue for the elementwise family: Axpy, Scale, Binary, BroadcastBinary, RowScale, Gelu, BiasGelu,
// GeluGrad, ScaleAdd, ScaleAddGrad. Outputs may be an input exactly (element i is read before written).
#include <string>

#include "args.h"
#include "ops.h"

namespace qc::binding {
namespace {

// Strides of `shape` right-aligned to `out`, 0 where it broadcasts; RangeError when incompatible.
void AlignedStrides(Napi::Env env, const std::vector<int64_t>& shape, const std::vector<int64_t>& out,
                    const std::string& name, int64_t* st) {
  if (shape.size() > out.size()) ThrowRange(env, name + ": has more axes than outShape");
  const size_t off = out.size() - shape.size();
  int64_t s = 1;
  for (size_t d = out.size(); d-- > 0;) st[d] = 0;
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] != out[d + off] && shape[d] != 1) {
      ThrowRange(env, name + "[" + std::to_string(d) + "] = " + std::to_string(shape[d]) +
                          " does not broadcast to outShape[" + std::to_string(d + off) + "] = " + std::to_string(out[d + off]));
    }
    st[d + off] = shape[d] == 1 ? 0 : s;
    s *= shape[d];
  }
}


int64_t ColsArg(Napi::Env env, Napi::Value v, int64_t n) {
  const int64_t cols = IntArg(env, v, "cols", 1);
  if (n % cols != 0) ThrowRange(env, "cols: " + std::to_string(cols) + " does not divide " + std::to_string(n) + " elements");
  return cols;
}

}  // namespace

// Axpy(alpha, x, y): y += alpha x
Napi::Value AxpyJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const float alpha = float(NumberArg(env, info[0], "alpha"));
  View x = DevArg(env, info[1], "x");
  View y = DevArg(env, info[2], "y", x.n);
  SameOrNoAlias(env, y, "y", x, "x");
  RunOnStream(env, [&](cudaStream_t st) { Axpy(alpha, x.p, y.p, x.n, st); });
  return env.Undefined();
}

// Scale(x, alpha, out)
Napi::Value ScaleJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  View x = DevArg(env, info[0], "x");
  const float alpha = float(NumberArg(env, info[1], "alpha"));
  View out = DevArg(env, info[2], "out", x.n);
  SameOrNoAlias(env, out, "out", x, "x");
  RunOnStream(env, [&](cudaStream_t st) { Scale(x.p, alpha, out.p, x.n, st); });
  return env.Undefined();
}

// Binary(op, a, b, out, mode)
Napi::Value BinaryJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const BinOp op = OpArg(env, info[0], "op");
  View a = DevArg(env, info[1], "a");
  View b = DevArg(env, info[2], "b");
  View out = DevArg(env, info[3], "out", a.n);
  if (!info[4].IsString()) ThrowType(env, "mode: expected 'same', 'row' or 'scalar'");
  const std::string mode = info[4].As<Napi::String>().Utf8Value();
  int64_t bcols;
  if (mode == "same") {
    if (b.n != a.n) ThrowRange(env, "b: expected " + std::to_string(a.n) + " elements (mode 'same'), got " + std::to_string(b.n));
    bcols = a.n;
    SameOrNoAlias(env, out, "out", b, "b");
  } else if (mode == "row") {
    if (b.n == 0 || a.n % b.n != 0) ThrowRange(env, "b: " + std::to_string(b.n) + " elements do not divide a's " + std::to_string(a.n) + " (mode 'row')");
    bcols = b.n;
    NoAlias(env, out, "out", b, "b");
  } else if (mode == "scalar") {
    if (b.n < 1) ThrowRange(env, "b: expected at least 1 element (mode 'scalar')");
    bcols = 0;
    NoAlias(env, out, "out", b, "b");
  } else {
    ThrowRange(env, "mode: expected 'same', 'row' or 'scalar', got '" + mode + "'");
  }
  SameOrNoAlias(env, out, "out", a, "a");
  RunOnStream(env, [&](cudaStream_t st) { Binary(op, a.p, b.p, out.p, a.n, bcols, st); });
  return env.Undefined();
}

// RowScale(x, rows, cols, s, out)
Napi::Value RowScaleJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const RowsCols rc = RowsColsArg(env, info[1], info[2]);
  const int64_t rows = rc.rows, cols = rc.cols, n = rc.n;
  View x = DevArg(env, info[0], "x", n);
  View s = DevArg(env, info[3], "s", rows);
  View out = DevArg(env, info[4], "out", n);
  SameOrNoAlias(env, out, "out", x, "x");
  NoAlias(env, out, "out", s, "s");
  RunOnStream(env, [&](cudaStream_t st) { RowScale(x.p, rows, cols, s.p, out.p, st); });
  return env.Undefined();
}

// Gelu(x, y)
Napi::Value GeluJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  View x = DevArg(env, info[0], "x");
  View y = DevArg(env, info[1], "y", x.n);
  SameOrNoAlias(env, y, "y", x, "x");
  RunOnStream(env, [&](cudaStream_t st) { Gelu(x.p, y.p, x.n, st); });
  return env.Undefined();
}

// BiasGelu(h, bias | null, cols, y): h += bias (in place), y = gelu(h)
Napi::Value BiasGeluJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  View h = DevArg(env, info[0], "h");
  const int64_t cols = ColsArg(env, info[2], h.n);
  View bias = DevArg(env, info[1], "bias", cols, true);
  View y = DevArg(env, info[3], "y", h.n);
  SameOrNoAlias(env, y, "y", h, "h");
  NoAlias(env, h, "h", bias, "bias");
  NoAlias(env, y, "y", bias, "bias");
  RunOnStream(env, [&](cudaStream_t st) { BiasGelu(h.p, bias.p, cols, y.p, h.n, st); });
  return env.Undefined();
}

// GeluGrad(x, dy, dx)
Napi::Value GeluGradJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  View x = DevArg(env, info[0], "x");
  View dy = DevArg(env, info[1], "dy", x.n);
  View dx = DevArg(env, info[2], "dx", x.n);
  SameOrNoAlias(env, dx, "dx", x, "x");
  SameOrNoAlias(env, dx, "dx", dy, "dy");
  RunOnStream(env, [&](cudaStream_t st) { GeluGrad(x.p, dy.p, dx.p, x.n, st); });
  return env.Undefined();
}

// BiasGeluGrad(h, dy, cols, dh, db | null): dh = dy * gelu'(h), db = column sums of dh. On the
// GPU two stream-ordered kernels (GeluGrad, then SumRows over dh); the CPU module fuses them.
Napi::Value BiasGeluGradJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  View h = DevArg(env, info[0], "h");
  const int64_t cols = ColsArg(env, info[2], h.n);
  View dy = DevArg(env, info[1], "dy", h.n);
  View dh = DevArg(env, info[3], "dh", h.n);
  View db = DevArg(env, info[4], "db", cols, true);
  SameOrNoAlias(env, dh, "dh", h, "h");
  SameOrNoAlias(env, dh, "dh", dy, "dy");
  NoAlias(env, db, "db", h, "h");
  NoAlias(env, db, "db", dy, "dy");
  NoAlias(env, db, "db", dh, "dh");
  RunOnStream(env, [&](cudaStream_t st) {
    GeluGrad(h.p, dy.p, dh.p, h.n, st);
    if (db.p) SumRows(dh.p, h.n / cols, cols, db.p, st);
  });
  return env.Undefined();
}

// The optional per-sample factors of ScaleAdd/ScaleAddGrad (undefined/null: none): a DeviceArray
// whose length divides the rows; *rows_per gets the rows of one sample.
View SampleScaleArg(Napi::Env env, Napi::Value v, int64_t rows, const View& out, const char* out_name,
                    int64_t* rows_per) {
  View s = DevArg(env, v, "sampleScale", -1, true);
  *rows_per = 1;
  if (!s.p) return s;
  if (s.n < 1 || rows % s.n != 0) {
    ThrowRange(env, "sampleScale: expected a length that divides rows = " + std::to_string(rows) + ", got " +
                        std::to_string(s.n));
  }
  NoAlias(env, out, out_name, s, "sampleScale");
  *rows_per = rows / s.n;
  return s;
}

// ScaleAdd(x, z, gamma, cols, out, sampleScale?): out = x + gamma ⊙ (s z)
Napi::Value ScaleAddJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  View x = DevArg(env, info[0], "x");
  View z = DevArg(env, info[1], "z", x.n);
  const int64_t cols = ColsArg(env, info[3], x.n);
  View gamma = DevArg(env, info[2], "gamma", cols);
  View out = DevArg(env, info[4], "out", x.n);
  SameOrNoAlias(env, out, "out", x, "x");
  SameOrNoAlias(env, out, "out", z, "z");
  NoAlias(env, out, "out", gamma, "gamma");
  int64_t rows_per;
  const View s = SampleScaleArg(env, info[5], x.n / cols, out, "out", &rows_per);
  RunOnStream(env, [&](cudaStream_t st) { ScaleAdd(x.p, z.p, gamma.p, cols, out.p, x.n, st, s.p, rows_per * cols); });
  return env.Undefined();
}

// ScaleAddGrad(z, gamma, dy, cols, dz | null, dgamma | null, sampleScale?)
Napi::Value ScaleAddGradJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  View z = DevArg(env, info[0], "z");
  const int64_t cols = ColsArg(env, info[3], z.n);
  View gamma = DevArg(env, info[1], "gamma", cols);
  View dy = DevArg(env, info[2], "dy", z.n);
  View dz = DevArg(env, info[4], "dz", z.n, true);
  View dgamma = DevArg(env, info[5], "dgamma", cols, true);
  SameOrNoAlias(env, dz, "dz", dy, "dy");
  NoAlias(env, dz, "dz", z, "z");
  NoAlias(env, dz, "dz", gamma, "gamma");
  NoAlias(env, dgamma, "dgamma", dy, "dy");
  NoAlias(env, dgamma, "dgamma", z, "z");
  int64_t rows_per;
  const View s = SampleScaleArg(env, info[6], z.n / cols, dz, "dz", &rows_per);
  NoAlias(env, dgamma, "dgamma", s, "sampleScale");
  RunOnStream(env, [&](cudaStream_t st) {
    // dgamma reads dy before dz (which may be dy) is written: same stream, in order.
    if (dgamma.p) ColumnDot(dy.p, z.p, z.n / cols, cols, dgamma.p, st, s.p, rows_per);
    if (dz.p) ScaleAdd(nullptr, dy.p, gamma.p, cols, dz.p, z.n, st, s.p, rows_per * cols);
  });
  return env.Undefined();
}

// BroadcastBinary(op, a, aShape, b, bShape, out, outShape)
Napi::Value BroadcastBinaryJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const BinOp op = OpArg(env, info[0], "op");
  int64_t an, bn, on;
  std::vector<int64_t> as = ShapeArg(env, info[2], "aShape", &an);
  std::vector<int64_t> bs = ShapeArg(env, info[4], "bShape", &bn);
  std::vector<int64_t> os = ShapeArg(env, info[6], "outShape", &on);
  View a = DevArg(env, info[1], "a", an);
  View b = DevArg(env, info[3], "b", bn);
  View out = DevArg(env, info[5], "out", on);
  NdIndex ix;
  ix.nd = int(os.size());
  for (int d = 0; d < ix.nd; ++d) ix.shape[d] = os[d];
  AlignedStrides(env, as, os, "aShape", ix.stride);
  AlignedStrides(env, bs, os, "bShape", ix.stride2);
  if (an == on) SameOrNoAlias(env, out, "out", a, "a");
  else NoAlias(env, out, "out", a, "a");
  if (bn == on) SameOrNoAlias(env, out, "out", b, "b");
  else NoAlias(env, out, "out", b, "b");
  RunOnStream(env, [&](cudaStream_t st) { BroadcastBinary(op, a.p, b.p, out.p, ix, st); });
  return env.Undefined();
}

}  // namespace qc::binding
