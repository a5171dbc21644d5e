// N-API glue for the optim family: AdamW, Sgd (fused steps, in place).
#include <initializer_list>
#include <utility>

#include "args.h"
#include "ops.h"
#include "quadra/dense.h"

namespace quadra::binding {
namespace {

void CheckDisjoint(Napi::Env env, std::initializer_list<std::pair<const float*, const char*>> bufs, int64_t n) {
  for (auto i = bufs.begin(); i != bufs.end(); ++i) {
    for (auto j = i + 1; j != bufs.end(); ++j) CheckNoAlias(env, i->first, n, i->second, j->first, n, j->second);
  }
}

}  // namespace

// AdamW(p, g, m, v, h: {lr, beta1, beta2, eps, weightDecay, step})
Napi::Value AdamWJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const F32Span p = Float32Span(env, info[0], "p");
  const float* g = Float32Arg(env, info[1], "g", p.size);
  float* m = Float32Arg(env, info[2], "m", p.size);
  float* v = Float32Arg(env, info[3], "v", p.size);
  Napi::Object o = ObjectArg(env, info[4], "h");
  AdamWParams hp{};
  hp.lr = float(NumberArg(env, o.Get("lr"), "h.lr"));
  hp.beta1 = float(NumberArg(env, o.Get("beta1"), "h.beta1"));
  hp.beta2 = float(NumberArg(env, o.Get("beta2"), "h.beta2"));
  hp.eps = float(NumberArg(env, o.Get("eps"), "h.eps"));
  hp.weight_decay = float(NumberArg(env, o.Get("weightDecay"), "h.weightDecay"));
  hp.step = PositiveIntArg(env, o.Get("step"), "h.step");
  if (!(hp.beta1 >= 0 && hp.beta1 < 1)) ThrowRange(env, "h.beta1: expected a number in [0, 1)");
  if (!(hp.beta2 >= 0 && hp.beta2 < 1)) ThrowRange(env, "h.beta2: expected a number in [0, 1)");
  if (!(hp.eps >= 0)) ThrowRange(env, "h.eps: expected a number >= 0");
  CheckDisjoint(env, {{p.data, "p"}, {g, "g"}, {m, "m"}, {v, "v"}}, p.size);
  RunKernel(env, [&] { AdamW(p.size, p.data, g, m, v, hp); });
  return env.Undefined();
}

// Sgd(p, g, buf | null, h: {lr, momentum, dampening, weightDecay, nesterov, step}); step 1 starts the
// momentum buffer from the gradient (PyTorch).
Napi::Value SgdJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const F32Span p = Float32Span(env, info[0], "p");
  const float* g = Float32Arg(env, info[1], "g", p.size);
  float* buf = Float32Arg(env, info[2], "buf", p.size, true);
  Napi::Object o = ObjectArg(env, info[3], "h");
  SgdParams hp{};
  hp.lr = float(NumberArg(env, o.Get("lr"), "h.lr"));
  hp.momentum = float(NumberArg(env, o.Get("momentum"), "h.momentum"));
  hp.dampening = float(NumberArg(env, o.Get("dampening"), "h.dampening"));
  hp.weight_decay = float(NumberArg(env, o.Get("weightDecay"), "h.weightDecay"));
  hp.nesterov = BoolArg(env, o.Get("nesterov"), "h.nesterov");
  hp.first_step = NonNegIntArg(env, o.Get("step"), "h.step") <= 1;
  if (hp.momentum != 0 && !buf) ThrowRange(env, "buf: required when h.momentum != 0");
  if (hp.nesterov && !(hp.momentum > 0 && hp.dampening == 0)) {
    ThrowRange(env, "h.nesterov: needs momentum > 0 and dampening = 0");
  }
  CheckDisjoint(env, {{p.data, "p"}, {g, "g"}, {buf, "buf"}}, p.size);
  RunKernel(env, [&] { Sgd(p.size, p.data, g, buf, hp); });
  return env.Undefined();
}

}  // namespace quadra::binding
