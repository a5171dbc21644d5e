// Glue for data movement: Permute, CopyWindow, Roll, Gather (and its scatter-add). Shapes and
// windows are folded into strides here; the kernels only decompose indices (layout.cu).
#include "args.h"
#include "ops.h"
#include "qcuda/allocator.h"

namespace qc::binding {
namespace {

std::vector<int64_t> Strides(const std::vector<int64_t>& shape) {
  std::vector<int64_t> st(shape.size());
  int64_t s = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    st[d] = s;
    s *= shape[d];
  }
  return st;
}

}  // namespace

// Permute(x, shape, perm, out)
Napi::Value PermuteJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n;
  std::vector<int64_t> shape = ShapeArg(env, info[1], "shape", &n);
  std::vector<int64_t> perm = IntListArg(env, info[2], "perm", true, 0);
  if (perm.size() != shape.size()) ThrowRange(env, "perm: expected " + std::to_string(shape.size()) + " axes");
  std::vector<bool> seen(shape.size(), false);
  for (size_t i = 0; i < perm.size(); ++i) {
    if (perm[i] >= int64_t(shape.size()) || seen[perm[i]]) ThrowRange(env, "perm: not a permutation of the axes");
    seen[perm[i]] = true;
  }
  View x = DevArg(env, info[0], "x", n);
  View out = DevArg(env, info[3], "out", n);
  NoAlias(env, out, "out", x, "x");
  std::vector<int64_t> xs = Strides(shape);
  NdIndex ix;
  ix.nd = int(shape.size());
  for (int d = 0; d < ix.nd; ++d) {
    ix.shape[d] = shape[perm[d]];
    ix.stride[d] = xs[perm[d]];
  }
  RunOnStream(env, [&](cudaStream_t st) { StridedCopy(x.p, out.p, ix, st); });
  return env.Undefined();
}

// CopyWindow(x, shape, out, outShape, offsets, reverse)
Napi::Value CopyWindowJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t xn, on;
  std::vector<int64_t> shape = ShapeArg(env, info[1], "shape", &xn);
  std::vector<int64_t> oshape = ShapeArg(env, info[3], "outShape", &on);
  std::vector<int64_t> offsets = IntListArg(env, info[4], "offsets", true, 0);
  const bool reverse = BoolArg(env, info[5], "reverse");
  View x = DevArg(env, info[0], "x", xn);
  View out = DevArg(env, info[2], "out", on);
  NoAlias(env, out, "out", x, "x");
  const std::vector<int64_t>& small = reverse ? oshape : shape;
  const std::vector<int64_t>& big = reverse ? shape : oshape;
  if (small.size() != big.size() || offsets.size() != big.size()) {
    ThrowRange(env, "shape, outShape and offsets: expected the same number of axes");
  }
  std::vector<int64_t> bst = Strides(big);
  NdIndex ix;
  ix.nd = int(small.size());
  int64_t base = 0;
  for (int d = 0; d < ix.nd; ++d) {
    if (offsets[d] + small[d] > big[d]) {
      ThrowRange(env, "offsets[" + std::to_string(d) + "]: window [" + std::to_string(offsets[d]) + ", " +
                          std::to_string(offsets[d] + small[d]) + ") exceeds the axis of " + std::to_string(big[d]));
    }
    ix.shape[d] = small[d];
    ix.stride[d] = bst[d];
    ix.stride2[d] = bst[d];
    base += offsets[d] * bst[d];
  }
  if (xn == 0 || on == 0) return env.Undefined();
  RunOnStream(env, [&](cudaStream_t st) {
    if (reverse) StridedCopy(x.p + base, out.p, ix, st);
    else ScatterCopy(x.p, out.p + base, ix, st);
  });
  return env.Undefined();
}

// Roll(x, shape, shifts, out)
Napi::Value RollJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n;
  std::vector<int64_t> shape = ShapeArg(env, info[1], "shape", &n);
  std::vector<int64_t> shifts = IntListArg(env, info[2], "shifts", false, 0);
  if (shifts.size() != shape.size()) ThrowRange(env, "shifts: expected " + std::to_string(shape.size()) + " values");
  View x = DevArg(env, info[0], "x", n);
  View out = DevArg(env, info[3], "out", n);
  NoAlias(env, out, "out", x, "x");
  if (n == 0) return env.Undefined();
  std::vector<int64_t> xs = Strides(shape);
  NdIndex ix;
  ix.nd = int(shape.size());
  for (int d = 0; d < ix.nd; ++d) {
    ix.shape[d] = shape[d];
    ix.stride[d] = xs[d];
    ix.stride2[d] = ((shifts[d] % shape[d]) + shape[d]) % shape[d];
  }
  RunOnStream(env, [&](cudaStream_t st) { Roll(x.p, out.p, ix, st); });
  return env.Undefined();
}

// Gather(x, shape, axis, indices, out, scatter)
Napi::Value GatherJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t total;
  std::vector<int64_t> shape = ShapeArg(env, info[1], "shape", &total);
  const int64_t axis = IntArg(env, info[2], "axis", 0);
  if (axis >= int64_t(shape.size())) ThrowRange(env, "axis: " + std::to_string(axis) + " of a " + std::to_string(shape.size()) + "-d shape");
  Napi::Int32Array idx = IndexArg(env, info[3], "indices", shape[axis]);
  const bool scatter = BoolArg(env, info[5], "scatter");
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= shape[d];
  for (size_t d = size_t(axis) + 1; d < shape.size(); ++d) inner *= shape[d];
  const int64_t m = int64_t(idx.ElementLength());
  const int64_t gathered = CheckedProduct(env, CheckedProduct(env, outer, m, "gather"), inner, "gather");
  // scatter: x is the gathered gradient [.., m, ..] and out the full-size one.
  View x = DevArg(env, info[0], "x", scatter ? gathered : total);
  View out = DevArg(env, info[4], "out", scatter ? total : gathered);
  NoAlias(env, out, "out", x, "x");
  if (m == 0 || gathered == 0) return env.Undefined();
  RunOnStream(env, [&](cudaStream_t st) {
    Scratch d(size_t(m) * sizeof(int32_t));
    QC_CHECK(cudaMemcpyAsync(d.as<int32_t>(), idx.Data(), size_t(m) * sizeof(int32_t), cudaMemcpyHostToDevice, st));
    if (scatter) ScatterAdd(x.p, outer, shape[axis], inner, d.as<int32_t>(), m, out.p, st);
    else Gather(x.p, outer, shape[axis], inner, d.as<int32_t>(), m, out.p, st);
  });
  return env.Undefined();
}

}  // namespace qc::binding
