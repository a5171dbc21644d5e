// Glue for the optimizer steps: AdamW(p, g, m, v, h), Sgd(p, g, buf | null, h).
#include "args.h"
#include "ops.h"

namespace qc::binding {

Napi::Value AdamWJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  View p = DevArg(env, info[0], "p");
  View g = DevArg(env, info[1], "g", p.n);
  View m = DevArg(env, info[2], "m", p.n);
  View v = DevArg(env, info[3], "v", p.n);
  const View* all[] = {&p, &g, &m, &v};
  const char* names[] = {"p", "g", "m", "v"};
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < i; ++j) NoAlias(env, *all[i], names[i], *all[j], names[j]);
  Napi::Object h = ObjectArg(env, info[4], "h");
  AdamWHyper hp{float(NumberArg(env, h.Get("lr"), "h.lr")), float(NumberArg(env, h.Get("beta1"), "h.beta1")),
                float(NumberArg(env, h.Get("beta2"), "h.beta2")), float(NumberArg(env, h.Get("eps"), "h.eps")),
                float(NumberArg(env, h.Get("weightDecay"), "h.weightDecay")), NumberArg(env, h.Get("step"), "h.step")};
  if (hp.step < 1) ThrowRange(env, "h.step: expected a step >= 1");
  RunOnStream(env, [&](cudaStream_t st) { AdamW(p.p, g.p, m.p, v.p, p.n, hp, st); });
  return env.Undefined();
}

Napi::Value SgdJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  View p = DevArg(env, info[0], "p");
  View g = DevArg(env, info[1], "g", p.n);
  View buf = DevArg(env, info[2], "buf", p.n, true);
  NoAlias(env, g, "g", p, "p");
  NoAlias(env, buf, "buf", p, "p");
  NoAlias(env, buf, "buf", g, "g");
  Napi::Object h = ObjectArg(env, info[3], "h");
  SgdHyper hp{float(NumberArg(env, h.Get("lr"), "h.lr")), float(NumberArg(env, h.Get("momentum"), "h.momentum")),
              float(NumberArg(env, h.Get("dampening"), "h.dampening")),
              float(NumberArg(env, h.Get("weightDecay"), "h.weightDecay")), BoolArg(env, h.Get("nesterov"), "h.nesterov"),
              NumberArg(env, h.Get("step"), "h.step") <= 1};
  RunOnStream(env, [&](cudaStream_t st) { Sgd(p.p, g.p, buf.p, p.n, hp, st); });
  return env.Undefined();
}

}  // namespace qc::binding
