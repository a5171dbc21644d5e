// N-API glue for NumPy-broadcast arithmetic and sums over arbitrary axes.
#include <string>
#include <vector>

#include "args.h"
#include "ops.h"
#include "quadra/broadcast.h"
#include "quadra/reduce_sum.h"

namespace quadra::binding {
namespace {

BinaryOp BroadcastOpArg(Napi::Env env, Napi::Value v) {
  if (!v.IsString()) ThrowType(env, "op: expected 'add', 'sub', 'mul' or 'div'");
  const std::string s = v.As<Napi::String>().Utf8Value();
  if (s == "add") return BinaryOp::kAdd;
  if (s == "sub") return BinaryOp::kSub;
  if (s == "mul") return BinaryOp::kMul;
  if (s == "div") return BinaryOp::kDiv;
  ThrowRange(env, "op: expected 'add', 'sub', 'mul' or 'div', got '" + s + "'");
}

// `shape` right-aligned to `ndim` axes (left-padded with 1s).
std::vector<int64_t> Align(Napi::Env env, const std::vector<int64_t>& shape, size_t ndim, const char* name) {
  if (shape.size() > ndim) {
    ThrowRange(env, std::string(name) + ": has " + std::to_string(shape.size()) + " axes, more than outShape's " +
                        std::to_string(ndim));
  }
  std::vector<int64_t> out(ndim - shape.size(), 1);
  out.insert(out.end(), shape.begin(), shape.end());
  return out;
}

}  // namespace

// broadcastBinary(op, a, aShape, b, bShape, out, outShape): out = a op b with NumPy broadcasting
// of both operands to outShape. out may be an operand exactly when that operand has out's size.
Napi::Value BroadcastBinaryJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const BinaryOp op = BroadcastOpArg(env, info[0]);
  int64_t na, nb, no;
  const std::vector<int64_t> as = ShapeListArg(env, info[2], "aShape", &na);
  const std::vector<int64_t> bs = ShapeListArg(env, info[4], "bShape", &nb);
  const std::vector<int64_t> os = ShapeListArg(env, info[6], "outShape", &no);
  const float* a = Float32Arg(env, info[1], "a", na);
  const float* b = Float32Arg(env, info[3], "b", nb);
  float* out = Float32Arg(env, info[5], "out", no);
  CheckSameOrNoAlias(env, out, no, "out", a, na, "a");
  CheckSameOrNoAlias(env, out, no, "out", b, nb, "b");
  const std::vector<int64_t> aa = Align(env, as, os.size(), "aShape"), ba = Align(env, bs, os.size(), "bShape");
  RunKernel(env, [&] { BroadcastBinary(op, int(os.size()), aa.data(), a, ba.data(), b, os.data(), out); });
  return env.Undefined();
}

// reduceSum(x, shape, axes, out): out (the kept axes) = sum of x over `axes` (distinct, in
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

}  // namespace quadra::binding
