// N-API glue for the fused optimizer steps (in place).
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

// adamwStep(param, grad, m, v, {lr, beta1, beta2, eps, weightDecay, step})
Napi::Value AdamWStepJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const F32Span p = Float32Span(env, info[0], "param");
  const float* g = Float32Arg(env, info[1], "grad", p.size);
  float* m = Float32Arg(env, info[2], "m", p.size);
  float* v = Float32Arg(env, info[3], "v", p.size);
  Napi::Object o = ObjectArg(env, info[4], "options");
  AdamWParams hp{};
  hp.lr = float(NumberArg(env, o.Get("lr"), "options.lr"));
  hp.beta1 = float(NumberArg(env, o.Get("beta1"), "options.beta1"));
  hp.beta2 = float(NumberArg(env, o.Get("beta2"), "options.beta2"));
  hp.eps = float(NumberArg(env, o.Get("eps"), "options.eps"));
  hp.weight_decay = float(NumberArg(env, o.Get("weightDecay"), "options.weightDecay"));
  hp.step = PositiveIntArg(env, o.Get("step"), "options.step");
  if (!(hp.beta1 >= 0 && hp.beta1 < 1)) ThrowRange(env, "options.beta1: expected a number in [0, 1)");
  if (!(hp.beta2 >= 0 && hp.beta2 < 1)) ThrowRange(env, "options.beta2: expected a number in [0, 1)");
  if (!(hp.eps >= 0)) ThrowRange(env, "options.eps: expected a number >= 0");
  CheckDisjoint(env, {{p.data, "param"}, {g, "grad"}, {m, "m"}, {v, "v"}}, p.size);
  RunKernel(env, [&] { AdamWStep(p.size, p.data, g, m, v, hp); });
  return env.Undefined();
}

// sgdStep(param, grad, momentumBuf | undefined, {lr, momentum, dampening, weightDecay, nesterov, firstStep})
Napi::Value SgdStepJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const F32Span p = Float32Span(env, info[0], "param");
  const float* g = Float32Arg(env, info[1], "grad", p.size);
  float* buf = Float32Arg(env, info[2], "momentumBuf", p.size, true);
  Napi::Object o = ObjectArg(env, info[3], "options");
  SgdParams hp{};
  hp.lr = float(NumberArg(env, o.Get("lr"), "options.lr"));
  hp.momentum = float(NumberArg(env, o.Get("momentum"), "options.momentum"));
  hp.dampening = float(NumberArg(env, o.Get("dampening"), "options.dampening"));
  hp.weight_decay = float(NumberArg(env, o.Get("weightDecay"), "options.weightDecay"));
  hp.nesterov = BoolArg(env, o.Get("nesterov"), "options.nesterov");
  hp.first_step = BoolArg(env, o.Get("firstStep"), "options.firstStep");
  if (hp.momentum != 0 && !buf) ThrowRange(env, "momentumBuf: required when options.momentum != 0");
  if (hp.nesterov && !(hp.momentum > 0 && hp.dampening == 0)) {
    ThrowRange(env, "options.nesterov: needs momentum > 0 and dampening = 0");
  }
  CheckDisjoint(env, {{p.data, "param"}, {g, "grad"}, {buf, "momentumBuf"}}, p.size);
  RunKernel(env, [&] { SgdStep(p.size, p.data, g, buf, hp); });
  return env.Undefined();
}

}  // namespace quadra::binding
