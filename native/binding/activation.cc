// N-API glue for GELU.
#include "args.h"
#include "ops.h"
#include "quadra/dense.h"

namespace quadra::binding {

// gelu(x, out): out may be x exactly.
Napi::Value GeluJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const F32Span x = Float32Span(env, info[0], "x");
  float* out = Float32Arg(env, info[1], "out", x.size);
  CheckSameOrNoAlias(env, out, x.size, "out", x.data, x.size, "x");
  RunKernel(env, [&] { Gelu(x.size, x.data, out); });
  return env.Undefined();
}

// geluBackward(x, dy, out): out = dy * gelu'(x); out may be x or dy exactly.
Napi::Value GeluBackwardJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const F32Span x = Float32Span(env, info[0], "x");
  const float* dy = Float32Arg(env, info[1], "dy", x.size);
  float* out = Float32Arg(env, info[2], "out", x.size);
  CheckSameOrNoAlias(env, out, x.size, "out", x.data, x.size, "x");
  CheckSameOrNoAlias(env, out, x.size, "out", dy, x.size, "dy");
  RunKernel(env, [&] { GeluBackward(x.size, x.data, dy, out); });
  return env.Undefined();
}

// biasGelu(h, bias, cols, out): h[r, :] += bias in place, out = gelu(h). out must not overlap h.
Napi::Value BiasGeluJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const F32Span h = Float32Span(env, info[0], "h");
  const int64_t cols = PositiveIntArg(env, info[2], "cols");
  if (h.size % cols != 0) {
    ThrowRange(env, "h: expected a multiple of cols = " + std::to_string(cols) + " elements, got " +
                        std::to_string(h.size));
  }
  const float* bias = Float32Arg(env, info[1], "bias", cols);
  float* out = Float32Arg(env, info[3], "out", h.size);
  CheckNoAlias(env, h.data, h.size, "h", bias, cols, "bias");
  CheckNoAlias(env, out, h.size, "out", h.data, h.size, "h");
  CheckNoAlias(env, out, h.size, "out", bias, cols, "bias");
  if (h.size == 0) return env.Undefined();
  RunKernel(env, [&] { BiasGelu(h.size / cols, cols, h.data, bias, out); });
  return env.Undefined();
}

}  // namespace quadra::binding
