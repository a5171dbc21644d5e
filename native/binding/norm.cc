// N-API glue for layer norm.
#include <utility>

#include "args.h"
#include "ops.h"
#include "quadra/dense.h"

namespace quadra::binding {

// layerNorm(x, rows, cols, gamma | undefined, beta | undefined, eps, y, mean, rstd).
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
  RunKernel(env, [&] { LayerNormForward(rows, cols, x, gamma, beta, float(eps), y, mean, rstd); });
  return env.Undefined();
}

// layerNormBackward(x, rows, cols, gamma | undefined, mean, rstd, dy, dx | null, dgamma | null,
// dbeta | null). dx may be dy exactly.
Napi::Value LayerNormBackwardJs(const Napi::CallbackInfo& info) {
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
  RunKernel(env, [&] { LayerNormBackward(rows, cols, x, gamma, mean, rstd, dy, dx, dgamma, dbeta); });
  return env.Undefined();
}

}  // namespace quadra::binding
