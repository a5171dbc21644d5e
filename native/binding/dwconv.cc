// N-API glue for the plain depthwise conv.
#include "args.h"
#include "ops.h"

namespace quadra::binding {
namespace {

struct DwArgs {
  ConvShape s;
  const float* x;
  const float* w;
};

// (x, shape, k, w, ...): the arguments both directions share.
DwArgs UnpackDw(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DwArgs a{};
  a.s = ShapeArgs(env, info[1], info[2]);
  a.x = Float32Arg(env, info[0], "x", a.s.Elements());
  a.w = Float32Arg(env, info[3], "w", a.s.WeightElements());
  return a;
}

}  // namespace

// dwconvForward(x, shape, k, w, b | undefined, y)
Napi::Value DwConvForwardJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DwArgs a = UnpackDw(info);
  const ConvShape& s = a.s;
  const float* x = a.x;
  const float* w = a.w;
  const int64_t n = s.Elements();
  const float* b = Float32Arg(env, info[4], "b", s.c, true);
  float* y = Float32Arg(env, info[5], "y", n);
  CheckNoAlias(env, y, n, "y", x, n, "x");
  RunKernel(env, [&] { DwConvForward(s, x, w, b, y); });
  return env.Undefined();
}

// dwconvBackward(x, shape, k, w, dy, grads: {dx?, dw, db?})
Napi::Value DwConvBackwardJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DwArgs a = UnpackDw(info);
  const ConvShape& s = a.s;
  const float* x = a.x;
  const float* w = a.w;
  const int64_t n = s.Elements();
  const float* dy = Float32Arg(env, info[4], "dy", n);
  Napi::Object go = ObjectArg(env, info[5], "grads");
  float* dx = Float32Arg(env, go.Get("dx"), "grads.dx", n, true);
  float* dw = Float32Arg(env, go.Get("dw"), "grads.dw", s.WeightElements());
  float* db = Float32Arg(env, go.Get("db"), "grads.db", s.c, true);
  CheckNoAlias(env, dx, n, "grads.dx", x, n, "x");
  CheckNoAlias(env, dx, n, "grads.dx", dy, n, "dy");
  RunKernel(env, [&] { DwConvBackward(s, x, w, dy, dx, dw, db); });
  return env.Undefined();
}

}  // namespace quadra::binding
