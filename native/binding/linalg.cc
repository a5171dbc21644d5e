// N-API glue for GEMM and the linear layer.
#include <algorithm>

#include "args.h"
#include "ops.h"
#include "quadra/dense.h"
#include "quadra/gemm.h"

namespace quadra::binding {

// gemm(transA, transB, m, n, k, alpha, a, b, beta, c): c = alpha op(a) op(b) + beta c, row-major,
// a is [m, k] ([k, m] when transA), b is [k, n] ([n, k] when transB), c is [m, n].
Napi::Value GemmJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const bool ta = BoolArg(env, info[0], "transA");
  const bool tb = BoolArg(env, info[1], "transB");
  const int64_t m = PositiveIntArg(env, info[2], "m");
  const int64_t n = PositiveIntArg(env, info[3], "n");
  const int64_t k = PositiveIntArg(env, info[4], "k");
  const float alpha = float(NumberArg(env, info[5], "alpha"));
  const int64_t na = CheckedProduct(env, m, k, "a"), nb = CheckedProduct(env, k, n, "b");
  const int64_t nc = CheckedProduct(env, m, n, "c");
  const float* a = Float32Arg(env, info[6], "a", na);
  const float* b = Float32Arg(env, info[7], "b", nb);
  const float beta = float(NumberArg(env, info[8], "beta"));
  float* c = Float32Arg(env, info[9], "c", nc);
  CheckNoAlias(env, c, nc, "c", a, na, "a");
  CheckNoAlias(env, c, nc, "c", b, nb, "b");
  RunKernel(env, [&] { Sgemm(ta, tb, m, n, k, alpha, a, ta ? m : k, b, tb ? k : n, beta, c, n); });
  return env.Undefined();
}

namespace {

LinearDims DimsArgs(Napi::Env env, const Napi::CallbackInfo& info, int at) {
  LinearDims d{};
  d.rows = PositiveIntArg(env, info[at], "rows");
  d.in = PositiveIntArg(env, info[at + 1], "inFeatures");
  d.out = PositiveIntArg(env, info[at + 2], "outFeatures");
  CheckedProduct(env, d.rows, std::max(d.in, d.out), "rows x features");
  CheckedProduct(env, d.in, d.out, "w");
  return d;
}

}  // namespace

// linear(x, w, bias | undefined, rows, inFeatures, outFeatures, y): y = x w^T + bias, w is [out, in].
Napi::Value LinearJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const LinearDims d = DimsArgs(env, info, 3);
  const int64_t nx = d.rows * d.in, nw = d.in * d.out, ny = d.rows * d.out;
  const float* x = Float32Arg(env, info[0], "x", nx);
  const float* w = Float32Arg(env, info[1], "w", nw);
  const float* bias = Float32Arg(env, info[2], "bias", d.out, true);
  float* y = Float32Arg(env, info[6], "y", ny);
  CheckNoAlias(env, y, ny, "y", x, nx, "x");
  CheckNoAlias(env, y, ny, "y", w, nw, "w");
  CheckNoAlias(env, y, ny, "y", bias, d.out, "bias");
  RunKernel(env, [&] { LinearForward(d, x, w, bias, y); });
  return env.Undefined();
}

// linearBackward(x, w, dy, rows, inFeatures, outFeatures, dx | null, dw | null, db | null, accumulate)
Napi::Value LinearBackwardJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const LinearDims d = DimsArgs(env, info, 3);
  const int64_t nx = d.rows * d.in, nw = d.in * d.out, ny = d.rows * d.out;
  const float* x = Float32Arg(env, info[0], "x", nx);
  const float* w = Float32Arg(env, info[1], "w", nw);
  const float* dy = Float32Arg(env, info[2], "dy", ny);
  float* dx = Float32Arg(env, info[6], "dx", nx, true);
  float* dw = Float32Arg(env, info[7], "dw", nw, true);
  float* db = Float32Arg(env, info[8], "db", d.out, true);
  const bool accumulate = BoolArg(env, info[9], "accumulate");
  struct Named { const float* p; int64_t n; const char* name; };
  const Named ins[] = {{x, nx, "x"}, {w, nw, "w"}, {dy, ny, "dy"}};
  const Named outs[] = {{dx, nx, "dx"}, {dw, nw, "dw"}, {db, d.out, "db"}};
  for (const Named& o : outs) {
    for (const Named& i : ins) CheckNoAlias(env, o.p, o.n, o.name, i.p, i.n, i.name);
    for (const Named& o2 : outs) {
      if (&o2 != &o) CheckNoAlias(env, o.p, o.n, o.name, o2.p, o2.n, o2.name);
    }
  }
  RunKernel(env, [&] { LinearBackward(d, x, w, dy, dx, dw, db, accumulate); });
  return env.Undefined();
}

}  // namespace quadra::binding
