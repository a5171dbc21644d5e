// N-API glue for the quadratic depthwise conv: unpack, check, call the kernel.
#include "args.h"
#include "ops.h"

namespace quadra::binding {
namespace {

struct QuadArgs {
  ConvShape s;
  const float* x;
  QuadWeights w;
};

QuadArgs UnpackQuad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  QuadArgs a{};
  a.s = ShapeArgs(env, info[1], info[2]);
  const int64_t n = a.s.Elements(), wn = a.s.WeightElements(), c = a.s.c;
  a.x = Float32Arg(env, info[0], "x", n);
  Napi::Object w = ObjectArg(env, info[3], "weights");
  a.w.wa = Float32Arg(env, w.Get("wa"), "weights.wa", wn);
  a.w.ba = Float32Arg(env, w.Get("ba"), "weights.ba", c, true);
  a.w.wb = Float32Arg(env, w.Get("wb"), "weights.wb", wn);
  a.w.bb = Float32Arg(env, w.Get("bb"), "weights.bb", c, true);
  a.w.wc = Float32Arg(env, w.Get("wc"), "weights.wc", wn);
  a.w.bc = Float32Arg(env, w.Get("bc"), "weights.bc", c, true);
  return a;
}

}  // namespace

// quadconvForward(x, shape, k, weights, y, saved?: {a, b})
Napi::Value QuadConvForwardJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  QuadArgs a = UnpackQuad(info);
  const int64_t n = a.s.Elements();
  float* y = Float32Arg(env, info[4], "y", n);
  CheckNoAlias(env, y, n, "y", a.x, n, "x");
  float* sa = nullptr;
  float* sb = nullptr;
  Napi::Object saved = ObjectArg(env, info[5], "saved", true);
  if (!saved.IsEmpty()) {
    sa = Float32Arg(env, saved.Get("a"), "saved.a", n);
    sb = Float32Arg(env, saved.Get("b"), "saved.b", n);
    CheckNoAlias(env, sa, n, "saved.a", a.x, n, "x");
    CheckNoAlias(env, sb, n, "saved.b", a.x, n, "x");
  }
  RunKernel(env, [&] { QuadConvForward(a.s, a.x, a.w, y, sa, sb); });
  return env.Undefined();
}

// quadconvBackward(x, shape, k, weights, dy, saved | undefined, grads: {dx, dwa, dba?, ...})
Napi::Value QuadConvBackwardJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  QuadArgs a = UnpackQuad(info);
  const int64_t n = a.s.Elements(), wn = a.s.WeightElements(), c = a.s.c;
  const float* dy = Float32Arg(env, info[4], "dy", n);
  const float* sa = nullptr;
  const float* sb = nullptr;
  Napi::Object saved = ObjectArg(env, info[5], "saved", true);
  if (!saved.IsEmpty()) {
    sa = Float32Arg(env, saved.Get("a"), "saved.a", n);
    sb = Float32Arg(env, saved.Get("b"), "saved.b", n);
  }
  Napi::Object go = ObjectArg(env, info[6], "grads");
  QuadGrads g{};
  g.dx = Float32Arg(env, go.Get("dx"), "grads.dx", n, true);
  g.dwa = Float32Arg(env, go.Get("dwa"), "grads.dwa", wn);
  g.dwb = Float32Arg(env, go.Get("dwb"), "grads.dwb", wn);
  g.dwc = Float32Arg(env, go.Get("dwc"), "grads.dwc", wn);
  g.dba = Float32Arg(env, go.Get("dba"), "grads.dba", c, true);
  g.dbb = Float32Arg(env, go.Get("dbb"), "grads.dbb", c, true);
  g.dbc = Float32Arg(env, go.Get("dbc"), "grads.dbc", c, true);
  CheckNoAlias(env, g.dx, n, "grads.dx", a.x, n, "x");
  CheckNoAlias(env, g.dx, n, "grads.dx", dy, n, "dy");
  RunKernel(env, [&] { QuadConvBackward(a.s, a.x, a.w, dy, sa, sb, g); });
  return env.Undefined();
}

}  // namespace quadra::binding
