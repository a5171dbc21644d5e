// Glue for the reduce family: ReduceSum, SumRows.
#include <algorithm>

#include "args.h"
#include "ops.h"

namespace qc::binding {
// ReduceSum(x, shape, axes, out)
Napi::Value ReduceSumJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n;
  std::vector<int64_t> shape = ShapeArg(env, info[1], "shape", &n);
  std::vector<int64_t> axes = IntListArg(env, info[2], "axes", true, 0);
  const int nd = int(shape.size());
  std::vector<bool> red(nd, false);
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] >= nd) ThrowRange(env, "axes[" + std::to_string(i) + "]: axis " + std::to_string(axes[i]) + " of a " + std::to_string(nd) + "-d shape");
    if (red[axes[i]]) ThrowRange(env, "axes[" + std::to_string(i) + "]: axis " + std::to_string(axes[i]) + " repeated");
    red[axes[i]] = true;
  }
  int64_t kept = 1;
  for (int d = 0; d < nd; ++d) if (!red[d]) kept *= shape[d];
  View x = DevArg(env, info[0], "x", n);
  View out = DevArg(env, info[3], "out", kept);
  NoAlias(env, out, "out", x, "x");
  // Reduced axes a leading prefix: a column reduction (the common bias-gradient case).
  int prefix = 0;
  while (prefix < nd && red[prefix]) ++prefix;
  bool leading = true;
  for (int d = prefix; d < nd; ++d) leading = leading && !red[d];
  cudaStream_t st = StreamOrThrow(env);
  if (leading) {
    int64_t rows = 1;
    for (int d = 0; d < prefix; ++d) rows *= shape[d];
    Run(env, [&] { SumRows(x.p, rows, kept, out.p, st); });
    return env.Undefined();
  }
  ReduceIndex ix;
  int64_t stride = 1;
  std::vector<int64_t> xst(nd);
  for (int d = nd; d-- > 0;) {
    xst[d] = stride;
    stride *= shape[d];
  }
  for (int d = 0; d < nd; ++d) {
    if (red[d]) {
      ix.rshape[ix.nr] = shape[d];
      ix.rstride[ix.nr++] = xst[d];
    } else {
      ix.kshape[ix.nk] = shape[d];
      ix.kstride[ix.nk++] = xst[d];
    }
  }
  Run(env, [&] { ReduceSum(x.p, ix, out.p, st); });
  return env.Undefined();
}

// SumRows(x, rows, cols, out): out[c] = Σ_r x[r, c]
Napi::Value SumRowsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t rows = IntArg(env, info[1], "rows", 0), cols = IntArg(env, info[2], "cols", 0);
  View x = DevArg(env, info[0], "x", CheckedProduct(env, rows, cols, "rows x cols"));
  View out = DevArg(env, info[3], "out", cols);
  NoAlias(env, out, "out", x, "x");
  RunOnStream(env, [&](cudaStream_t st) { SumRows(x.p, rows, cols, out.p, st); });
  return env.Undefined();
}

}  // namespace qc::binding
