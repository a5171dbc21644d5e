// N-API glue for NumPy-broadcast arithmetic.
#include <string>
#include <vector>

#include "args.h"
#include "ops.h"
#include "quadra/broadcast.h"

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

}  // namespace quadra::binding
