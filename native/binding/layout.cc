// N-API glue for the layout family: Permute, CopyWindow, Roll, Gather (and its scatter-add).
// Shapes and axis lists are JS arrays of integers; outputs must not overlap inputs.
#include <cmath>
#include <string>
#include <vector>

#include "args.h"
#include "ops.h"
#include "quadra/layout.h"

namespace quadra::binding {

// Permute(x, shape, perm, out): out = x.transpose(perm).
Napi::Value PermuteJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n;
  const std::vector<int64_t> shape = ShapeListArg(env, info[1], "shape", &n);
  const std::vector<int64_t> p = IntListArg(env, info[2], "perm", false, 0);
  if (p.size() != shape.size()) {
    ThrowRange(env, "perm: expected " + std::to_string(shape.size()) + " axes, got " + std::to_string(p.size()));
  }
  const float* x = Float32Arg(env, info[0], "x", n);
  float* out = Float32Arg(env, info[3], "out", n);
  CheckNoAlias(env, out, n, "out", x, n, "x");
  int perm[kMaxDims];
  for (size_t i = 0; i < p.size(); ++i) perm[i] = (p[i] < 0 || p[i] >= int64_t(p.size())) ? -1 : int(p[i]);
  RunKernel(env, [&] { Permute(int(shape.size()), shape.data(), perm, x, out); });
  return env.Undefined();
}

// CopyWindow(x, shape, out, outShape, offsets, reverse): forward writes x into out's window at
// offsets; reverse reads x's window at offsets into out.
Napi::Value CopyWindowJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t nx, no;
  const std::vector<int64_t> shape = ShapeListArg(env, info[1], "shape", &nx);
  const std::vector<int64_t> out_shape = ShapeListArg(env, info[3], "outShape", &no);
  const std::vector<int64_t> offsets = IntListArg(env, info[4], "offsets", true, 0);
  if (out_shape.size() != shape.size() || offsets.size() != shape.size()) {
    ThrowRange(env, "outShape, offsets: expected " + std::to_string(shape.size()) + " axes like shape");
  }
  const bool reverse = BoolArg(env, info[5], "reverse");
  const float* x = Float32Arg(env, info[0], "x", nx);
  float* out = Float32Arg(env, info[2], "out", no);
  CheckNoAlias(env, out, no, "out", x, nx, "x");
  const auto& small = reverse ? out_shape : shape;
  const auto& big = reverse ? shape : out_shape;
  RunKernel(env, [&] { CopyWindow(int(shape.size()), small.data(), big.data(), offsets.data(), x, out, reverse); });
  return env.Undefined();
}

// Roll(x, shape, shifts, out): out[(i + shifts) mod shape] = x[i].
Napi::Value RollJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n;
  const std::vector<int64_t> shape = ShapeListArg(env, info[1], "shape", &n);
  const std::vector<int64_t> shifts = IntListArg(env, info[2], "shifts", false, 0);
  if (shifts.size() != shape.size()) {
    ThrowRange(env, "shifts: expected " + std::to_string(shape.size()) + " entries, got " + std::to_string(shifts.size()));
  }
  const float* x = Float32Arg(env, info[0], "x", n);
  float* out = Float32Arg(env, info[3], "out", n);
  CheckNoAlias(env, out, n, "out", x, n, "x");
  RunKernel(env, [&] { Roll(int(shape.size()), shape.data(), shifts.data(), x, out); });
  return env.Undefined();
}

// Gather(x, shape, axis, indices, out, scatter): shape is the full tensor's. Without scatter,
// out[.., j, ..] = x[.., indices[j], ..]; with scatter, x is the gathered gradient and is added
// into out (full shape) at the indices.
Napi::Value GatherJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n_full;
  const std::vector<int64_t> shape = ShapeListArg(env, info[1], "shape", &n_full);
  const int64_t ndim = int64_t(shape.size());
  const int64_t axis = NonNegIntArg(env, info[2], "axis");
  if (axis >= ndim) ThrowRange(env, "axis: expected an axis in [0, " + std::to_string(ndim - 1) + "], got " + std::to_string(axis));
  int64_t m;
  const int32_t* idx = Int32Arg(env, info[3], "indices", &m);
  const bool scatter = BoolArg(env, info[5], "scatter");
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= shape[d];
  for (int64_t d = axis + 1; d < ndim; ++d) inner *= shape[d];
  const int64_t n = shape[axis];
  const int64_t n_small = CheckedProduct(env, CheckedProduct(env, outer, m, "indices"), inner, "indices");
  const float* x = Float32Arg(env, info[0], "x", scatter ? n_small : n_full);
  float* out = Float32Arg(env, info[4], "out", scatter ? n_full : n_small);
  CheckNoAlias(env, out, scatter ? n_full : n_small, "out", x, scatter ? n_small : n_full, "x");
  RunKernel(env, [&] {
    if (scatter) {
      ScatterAdd(outer, n, inner, idx, m, x, out);
    } else {
      Gather(outer, n, inner, idx, m, x, out);
    }
  });
  return env.Undefined();
}

}  // namespace quadra::binding
