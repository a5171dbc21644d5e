// Glue for NumPy-broadcast arithmetic and reductions: BroadcastBinary, ReduceSum, SumRows.
#include <algorithm>

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

}  // namespace

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
