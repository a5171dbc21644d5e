// N-API glue for the dense family: Gemm, Linear, LinearGrad (oneDNN / OpenBLAS), LayerNorm(+Grad).
#include <string>
#include <utility>

#include "args.h"
#include "ops.h"
#include "quadra/dense.h"
#include "quadra/gemm.h"

namespace quadra::binding {
namespace {

// d: {rows, inFeatures, outFeatures}, each positive.
LinearDims DimsArg(Napi::Env env, Napi::Value v) { return napi_args::LinearDimsArg<LinearDims>(env, v, 1); }

}  // namespace

// Gemm(a, b, c, d: {m, n, k, transA?, transB?, alpha?, beta?}): c = alpha op(a) op(b) + beta c,
// row-major; a is [m, k] ([k, m] when transA), b is [k, n] ([n, k] when transB), c is [m, n].
Napi::Value GemmJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object d = ObjectArg(env, info[3], "d");
  const bool ta = BoolArg(env, d.Get("transA"), "d.transA");
  const bool tb = BoolArg(env, d.Get("transB"), "d.transB");
  const int64_t m = PositiveIntArg(env, d.Get("m"), "d.m");
  const int64_t n = PositiveIntArg(env, d.Get("n"), "d.n");
  const int64_t k = PositiveIntArg(env, d.Get("k"), "d.k");
  const float alpha = d.Get("alpha").IsUndefined() ? 1.f : float(NumberArg(env, d.Get("alpha"), "d.alpha"));
  const float beta = d.Get("beta").IsUndefined() ? 0.f : float(NumberArg(env, d.Get("beta"), "d.beta"));
  const int64_t na = CheckedProduct(env, m, k, "a"), nb = CheckedProduct(env, k, n, "b");
  const int64_t nc = CheckedProduct(env, m, n, "c");
  const float* a = Float32Arg(env, info[0], "a", na);
  const float* b = Float32Arg(env, info[1], "b", nb);
  float* c = Float32Arg(env, info[2], "c", nc);
  CheckNoAlias(env, c, nc, "c", a, na, "a");
  CheckNoAlias(env, c, nc, "c", b, nb, "b");
  RunKernel(env, [&] { Sgemm(ta, tb, m, n, k, alpha, a, ta ? m : k, b, tb ? k : n, beta, c, n); });
  return env.Undefined();
}

// Linear(x, w, b | null, y, d): y = x w^T + b, w is [out, in].
Napi::Value LinearJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const LinearDims d = DimsArg(env, info[4]);
  const int64_t nx = d.rows * d.in, nw = d.in * d.out, ny = d.rows * d.out;
  const float* x = Float32Arg(env, info[0], "x", nx);
  const float* w = Float32Arg(env, info[1], "w", nw);
  const float* bias = Float32Arg(env, info[2], "b", d.out, true);
  float* y = Float32Arg(env, info[3], "y", ny);
  CheckNoAlias(env, y, ny, "y", x, nx, "x");
  CheckNoAlias(env, y, ny, "y", w, nw, "w");
  CheckNoAlias(env, y, ny, "y", bias, d.out, "b");
  RunKernel(env, [&] { Linear(d, x, w, bias, y); });
  return env.Undefined();
}

// The packed length for d, computed inside RunKernel (its C++ errors become JS errors).
int64_t PackedLength(Napi::Env env, const LinearDims& d) {
  int64_t n = 0;
  RunKernel(env, [&] { n = LinearPackedLength(d); });
  return n;
}

// LinearPackedLength(d): floats of w packed for LinearPacked (d.rows is not used).
Napi::Value LinearPackedLengthJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Napi::Number::New(env, double(PackedLength(env, DimsArg(env, info[0]))));
}

// LinearPack(w, d, packed): packed = w [out, in] in LinearPacked's layout.
Napi::Value LinearPackJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const LinearDims d = DimsArg(env, info[1]);
  const int64_t nw = d.in * d.out, np = PackedLength(env, d);
  const float* w = Float32Arg(env, info[0], "w", nw);
  float* packed = Float32Arg(env, info[2], "packed", np);
  CheckNoAlias(env, packed, np, "packed", w, nw, "w");
  RunKernel(env, [&] { LinearPack(d, w, packed); });
  return env.Undefined();
}

// LinearPacked(x, packed, b | null, y, d, act: 'none' | 'gelu', residual | null):
// y = act(x w^T + b) + residual.
Napi::Value LinearPackedJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const LinearDims d = DimsArg(env, info[4]);
  if (!info[5].IsString()) ThrowType(env, "act: expected 'none' or 'gelu'");
  const std::string act_name = info[5].As<Napi::String>().Utf8Value();
  if (act_name != "none" && act_name != "gelu") ThrowRange(env, "act: expected 'none' or 'gelu', got '" + act_name + "'");
  const LinearAct act = act_name == "gelu" ? LinearAct::kGelu : LinearAct::kNone;
  const int64_t nx = d.rows * d.in, np = PackedLength(env, d), ny = d.rows * d.out;
  const float* x = Float32Arg(env, info[0], "x", nx);
  const float* packed = Float32Arg(env, info[1], "packed", np);
  const float* bias = Float32Arg(env, info[2], "b", d.out, true);
  float* y = Float32Arg(env, info[3], "y", ny);
  const float* residual = Float32Arg(env, info[6], "residual", ny, true);
  CheckNoAlias(env, y, ny, "y", x, nx, "x");
  CheckNoAlias(env, y, ny, "y", packed, np, "packed");
  CheckNoAlias(env, y, ny, "y", bias, d.out, "b");
  CheckNoAlias(env, y, ny, "y", residual, ny, "residual");
  RunKernel(env, [&] { LinearPacked(d, x, packed, bias, act, residual, y); });
  return env.Undefined();
}

// LinearGrad(x, w, dy, d, dx | null, dw | null, db | null): overwrites the outputs given.
Napi::Value LinearGradJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const LinearDims d = DimsArg(env, info[3]);
  const int64_t nx = d.rows * d.in, nw = d.in * d.out, ny = d.rows * d.out;
  const float* x = Float32Arg(env, info[0], "x", nx);
  const float* w = Float32Arg(env, info[1], "w", nw);
  const float* dy = Float32Arg(env, info[2], "dy", ny);
  float* dx = Float32Arg(env, info[4], "dx", nx, true);
  float* dw = Float32Arg(env, info[5], "dw", nw, true);
  float* db = Float32Arg(env, info[6], "db", d.out, true);
  struct Named { const float* p; int64_t n; const char* name; };
  const Named ins[] = {{x, nx, "x"}, {w, nw, "w"}, {dy, ny, "dy"}};
  const Named outs[] = {{dx, nx, "dx"}, {dw, nw, "dw"}, {db, d.out, "db"}};
  for (const Named& o : outs) {
    for (const Named& i : ins) CheckNoAlias(env, o.p, o.n, o.name, i.p, i.n, i.name);
    for (const Named& o2 : outs) {
      if (&o2 != &o) CheckNoAlias(env, o.p, o.n, o.name, o2.p, o2.n, o2.name);
    }
  }
  RunKernel(env, [&] { LinearGrad(d, x, w, dy, dx, dw, db); });
  return env.Undefined();
}

// LayerNorm(x, rows, cols, gamma | null, beta | null, eps, y, mean, rstd).
// y may be x exactly (in place).
Napi::Value LayerNormJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t rows = PositiveIntArg(env, info[1], "rows");
  const int64_t cols = PositiveIntArg(env, info[2], "cols");
  const int64_t n = CheckedProduct(env, rows, cols, "x");
  const float* x = Float32Arg(env, info[0], "x", n);
  const float* gamma = Float32Arg(env, info[3], "gamma", cols, true);
  const float* beta = Float32Arg(env, info[4], "beta", cols, true);
  const double eps = NumberArg(env, info[5], "eps");
  if (eps < 0) ThrowRange(env, "eps: expected a number >= 0");
  float* y = Float32Arg(env, info[6], "y", n);
  float* mean = Float32Arg(env, info[7], "mean", rows);
  float* rstd = Float32Arg(env, info[8], "rstd", rows);
  CheckSameOrNoAlias(env, y, n, "y", x, n, "x");
  CheckNoAlias(env, y, n, "y", gamma, cols, "gamma");
  CheckNoAlias(env, y, n, "y", beta, cols, "beta");
  for (auto [p, name] : {std::pair<float*, const char*>{mean, "mean"}, {rstd, "rstd"}}) {
    CheckNoAlias(env, p, rows, name, x, n, "x");
    CheckNoAlias(env, p, rows, name, y, n, "y");
    CheckNoAlias(env, p, rows, name, gamma, cols, "gamma");
    CheckNoAlias(env, p, rows, name, beta, cols, "beta");
  }
  CheckNoAlias(env, mean, rows, "mean", rstd, rows, "rstd");
  RunKernel(env, [&] { LayerNorm(rows, cols, x, gamma, beta, float(eps), y, mean, rstd); });
  return env.Undefined();
}

// LayerNormGrad(x, rows, cols, gamma | null, mean, rstd, dy, dx | null, dgamma | null, dbeta | null). dx may be dy exactly.
Napi::Value LayerNormGradJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t rows = PositiveIntArg(env, info[1], "rows");
  const int64_t cols = PositiveIntArg(env, info[2], "cols");
  const int64_t n = CheckedProduct(env, rows, cols, "x");
  const float* x = Float32Arg(env, info[0], "x", n);
  const float* gamma = Float32Arg(env, info[3], "gamma", cols, true);
  const float* mean = Float32Arg(env, info[4], "mean", rows);
  const float* rstd = Float32Arg(env, info[5], "rstd", rows);
  const float* dy = Float32Arg(env, info[6], "dy", n);
  float* dx = Float32Arg(env, info[7], "dx", n, true);
  float* dgamma = Float32Arg(env, info[8], "dgamma", cols, true);
  float* dbeta = Float32Arg(env, info[9], "dbeta", cols, true);
  CheckSameOrNoAlias(env, dx, n, "dx", dy, n, "dy");
  CheckNoAlias(env, dx, n, "dx", x, n, "x");
  CheckNoAlias(env, dx, n, "dx", gamma, cols, "gamma");
  CheckNoAlias(env, dx, n, "dx", mean, rows, "mean");
  CheckNoAlias(env, dx, n, "dx", rstd, rows, "rstd");
  for (auto [p, name] : {std::pair<float*, const char*>{dgamma, "dgamma"}, {dbeta, "dbeta"}}) {
    CheckNoAlias(env, p, cols, name, x, n, "x");
    CheckNoAlias(env, p, cols, name, dy, n, "dy");
    CheckNoAlias(env, p, cols, name, dx, n, "dx");
    CheckNoAlias(env, p, cols, name, gamma, cols, "gamma");
    CheckNoAlias(env, p, cols, name, mean, rows, "mean");
    CheckNoAlias(env, p, cols, name, rstd, rows, "rstd");
  }
  CheckNoAlias(env, dgamma, cols, "dgamma", dbeta, cols, "dbeta");
  RunKernel(env, [&] { LayerNormGrad(rows, cols, x, gamma, mean, rstd, dy, dx, dgamma, dbeta); });
  return env.Undefined();
}

}  // namespace quadra::binding
