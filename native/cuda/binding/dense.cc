// Glue for the dense kernels: Gemm, Linear, LinearGrad (cuBLAS) and LayerNorm, LayerNormGrad.
#include <algorithm>
#include <string>

#include "args.h"
#include "ops.h"

namespace qc::binding {
namespace {

struct LinDims {
  int64_t rows, in, out;
};

LinDims LinArg(Napi::Env env, Napi::Value v) { return quadra::napi_args::LinearDimsArg<LinDims>(env, v, 0); }

}  // namespace

// Gemm(a, b, c, {m, n, k, transA?, transB?, alpha?, beta?})
Napi::Value GemmJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object d = ObjectArg(env, info[3], "d");
  const int64_t m = IntArg(env, d.Get("m"), "d.m", 0), n = IntArg(env, d.Get("n"), "d.n", 0);
  const int64_t k = IntArg(env, d.Get("k"), "d.k", 0);
  const bool ta = BoolArg(env, d.Get("transA"), "d.transA"), tb = BoolArg(env, d.Get("transB"), "d.transB");
  const float alpha = d.Get("alpha").IsUndefined() ? 1.f : float(NumberArg(env, d.Get("alpha"), "d.alpha"));
  const float beta = d.Get("beta").IsUndefined() ? 0.f : float(NumberArg(env, d.Get("beta"), "d.beta"));
  View a = DevArg(env, info[0], "a", CheckedProduct(env, m, k, "m x k"));
  View b = DevArg(env, info[1], "b", CheckedProduct(env, k, n, "k x n"));
  View c = DevArg(env, info[2], "c", CheckedProduct(env, m, n, "m x n"));
  NoAlias(env, c, "c", a, "a");
  NoAlias(env, c, "c", b, "b");
  RunOnStream(env, [&](cudaStream_t st) { Gemm(ta, tb, m, n, k, alpha, a.p, b.p, beta, c.p, st); });
  return env.Undefined();
}

// Linear(x, w, b | null, y, {rows, inFeatures, outFeatures})
Napi::Value LinearJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  LinDims l = LinArg(env, info[4]);
  View x = DevArg(env, info[0], "x", l.rows * l.in);
  View w = DevArg(env, info[1], "w", l.in * l.out);
  View b = DevArg(env, info[2], "b", l.out, true);
  View y = DevArg(env, info[3], "y", l.rows * l.out);
  NoAlias(env, y, "y", x, "x");
  NoAlias(env, y, "y", w, "w");
  NoAlias(env, y, "y", b, "b");
  RunOnStream(env, [&](cudaStream_t st) { Linear(x.p, w.p, b.p, y.p, l.rows, l.in, l.out, st); });
  return env.Undefined();
}

// LinearPackedLength(d): the packed weights are a plain copy of w here (cuBLAS reads w as it is).
Napi::Value LinearPackedLengthJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  LinDims l = LinArg(env, info[0]);
  return Napi::Number::New(env, double(l.in * l.out));
}

// LinearPack(w, d, packed): packed = w.
Napi::Value LinearPackJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  LinDims l = LinArg(env, info[1]);
  View w = DevArg(env, info[0], "w", l.in * l.out);
  View packed = DevArg(env, info[2], "packed", l.in * l.out);
  NoAlias(env, packed, "packed", w, "w");
  RunOnStream(env, [&](cudaStream_t st) {
    QC_CHECK(cudaMemcpyAsync(packed.p, w.p, size_t(l.in * l.out) * sizeof(float), cudaMemcpyDeviceToDevice, st));
  });
  return env.Undefined();
}

// LinearPacked(x, packed, b | null, y, d, act: 'none' | 'gelu', residual | null):
// y = act(x w^T + b) + residual, as Linear then the epilogue's passes.
Napi::Value LinearPackedJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  LinDims l = LinArg(env, info[4]);
  if (!info[5].IsString()) ThrowType(env, "act: expected 'none' or 'gelu'");
  const std::string act = info[5].As<Napi::String>().Utf8Value();
  if (act != "none" && act != "gelu") ThrowRange(env, "act: expected 'none' or 'gelu', got '" + act + "'");
  View x = DevArg(env, info[0], "x", l.rows * l.in);
  View w = DevArg(env, info[1], "packed", l.in * l.out);
  View b = DevArg(env, info[2], "b", l.out, true);
  View y = DevArg(env, info[3], "y", l.rows * l.out);
  View r = DevArg(env, info[6], "residual", l.rows * l.out, true);
  NoAlias(env, y, "y", x, "x");
  NoAlias(env, y, "y", w, "packed");
  NoAlias(env, y, "y", b, "b");
  NoAlias(env, y, "y", r, "residual");
  const int64_t n = l.rows * l.out;
  RunOnStream(env, [&](cudaStream_t st) {
    Linear(x.p, w.p, b.p, y.p, l.rows, l.in, l.out, st);
    if (act == "gelu") Gelu(y.p, y.p, n, st);
    if (r.p) Binary(BinOp::Add, y.p, r.p, y.p, n, n, st);
  });
  return env.Undefined();
}

// LinearGrad(x, w, dy, d, dx | null, dw | null, db | null): overwrites the outputs given.
Napi::Value LinearGradJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  LinDims l = LinArg(env, info[3]);
  View x = DevArg(env, info[0], "x", l.rows * l.in);
  View w = DevArg(env, info[1], "w", l.in * l.out);
  View dy = DevArg(env, info[2], "dy", l.rows * l.out);
  View dx = DevArg(env, info[4], "dx", l.rows * l.in, true);
  View dw = DevArg(env, info[5], "dw", l.in * l.out, true);
  View db = DevArg(env, info[6], "db", l.out, true);
  for (const View* o : {&dx, &dw, &db}) {
    const char* on = o == &dx ? "dx" : (o == &dw ? "dw" : "db");
    NoAlias(env, *o, on, x, "x");
    NoAlias(env, *o, on, w, "w");
    NoAlias(env, *o, on, dy, "dy");
  }
  RunOnStream(env, [&](cudaStream_t st) { LinearGrad(x.p, w.p, dy.p, l.rows, l.in, l.out, dx.p, dw.p, db.p, st); });
  return env.Undefined();
}

// LayerNorm(x, rows, cols, gamma | null, beta | null, eps, y, mean, rstd); y may be x.
Napi::Value LayerNormJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const RowsCols rc = RowsColsArg(env, info[1], info[2]);
  const int64_t rows = rc.rows, cols = rc.cols, n = rc.n;
  View x = DevArg(env, info[0], "x", n);
  View gamma = DevArg(env, info[3], "gamma", cols, true);
  View beta = DevArg(env, info[4], "beta", cols, true);
  const double eps = NumberArg(env, info[5], "eps");
  if (eps < 0) ThrowRange(env, "eps: expected a non-negative number");
  View y = DevArg(env, info[6], "y", n);
  View mean = DevArg(env, info[7], "mean", rows);
  View rstd = DevArg(env, info[8], "rstd", rows);
  SameOrNoAlias(env, y, "y", x, "x");
  NoAlias(env, mean, "mean", x, "x");
  NoAlias(env, rstd, "rstd", x, "x");
  NoAlias(env, mean, "mean", y, "y");
  NoAlias(env, rstd, "rstd", y, "y");
  NoAlias(env, y, "y", gamma, "gamma");
  NoAlias(env, y, "y", beta, "beta");
  RunOnStream(env, [&](cudaStream_t st) { LayerNorm(x.p, rows, cols, gamma.p, beta.p, float(eps), y.p, mean.p, rstd.p, st); });
  return env.Undefined();
}

// LayerNormGrad(x, rows, cols, gamma | null, mean, rstd, dy, dx, dgamma | null, dbeta | null); dx may be dy.
Napi::Value LayerNormGradJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const RowsCols rc = RowsColsArg(env, info[1], info[2]);
  const int64_t rows = rc.rows, cols = rc.cols, n = rc.n;
  View x = DevArg(env, info[0], "x", n);
  View gamma = DevArg(env, info[3], "gamma", cols, true);
  View mean = DevArg(env, info[4], "mean", rows);
  View rstd = DevArg(env, info[5], "rstd", rows);
  View dy = DevArg(env, info[6], "dy", n);
  View dx = DevArg(env, info[7], "dx", n, true);
  View dgamma = DevArg(env, info[8], "dgamma", cols, true);
  View dbeta = DevArg(env, info[9], "dbeta", cols, true);
  SameOrNoAlias(env, dx, "dx", dy, "dy");
  NoAlias(env, dx, "dx", x, "x");
  for (const View* in : {&x, &gamma, &mean, &rstd, &dy}) {
    NoAlias(env, dgamma, "dgamma", *in, "an input");
    NoAlias(env, dbeta, "dbeta", *in, "an input");
  }
  RunOnStream(env, [&](cudaStream_t st) { LayerNormGrad(x.p, rows, cols, gamma.p, mean.p, rstd.p, dy.p, dx.p, dgamma.p, dbeta.p, st); });
  return env.Undefined();
}

}  // namespace qc::binding
