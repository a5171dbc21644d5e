// N-API glue for the reduce family: ReduceSum (any axes), SumRows (column sums of a matrix).
#include <string>
#include <vector>

#include "args.h"
#include "ops.h"
#include "quadra/dense.h"
#include "quadra/reduce_sum.h"

namespace quadra::binding {

// ReduceSum(x, shape, axes, out): out (the kept axes) = sum of x over `axes` (distinct, in
// [0, ndim)). out must not overlap x.
Napi::Value ReduceSumJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n;
  const std::vector<int64_t> shape = ShapeListArg(env, info[1], "shape", &n);
  const std::vector<int64_t> axes = IntListArg(env, info[2], "axes", true, 0);
  bool reduce[kMaxDims] = {};
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] >= int64_t(shape.size()) || reduce[axes[i]]) {
      ThrowRange(env, "axes[" + std::to_string(i) + "]: expected a distinct axis in [0, " +
                          std::to_string(int64_t(shape.size()) - 1) + "], got " + std::to_string(axes[i]));
    }
    reduce[axes[i]] = true;
  }
  int64_t kept = 1;
  for (size_t d = 0; d < shape.size(); ++d)
    if (!reduce[d]) kept *= shape[d];
  const float* x = Float32Arg(env, info[0], "x", n);
  float* out = Float32Arg(env, info[3], "out", kept);
  CheckNoAlias(env, out, kept, "out", x, n, "x");
  RunKernel(env, [&] { ReduceSum(int(shape.size()), shape.data(), reduce, x, out); });
  return env.Undefined();
}

// SumRows(x, rows, cols, out[cols]): column sums (the sum over rows).
Napi::Value SumRowsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t rows = PositiveIntArg(env, info[1], "rows");
  const int64_t cols = PositiveIntArg(env, info[2], "cols");
  const int64_t n = CheckedProduct(env, rows, cols, "x");
  const float* x = Float32Arg(env, info[0], "x", n);
  float* out = Float32Arg(env, info[3], "out", cols);
  CheckNoAlias(env, out, cols, "out", x, n, "x");
  RunKernel(env, [&] { SumRows(rows, cols, x, out); });
  return env.Undefined();
}

}  // namespace quadra::binding
