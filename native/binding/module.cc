// Module registration. `kernels` carries one function per name of @quadranet/lib's
// KernelSignatures with the same parameters (Float32Array buffers), as quadra_cuda.node's does,
// so @quadranet/core binds it by name; the rest are the module's settings and probes.
#include <napi.h>

#include "ops.h"

namespace quadra::binding {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto fn = [&](Napi::Object o, const char* name, Napi::Function::Callback cb) {
    o.Set(name, Napi::Function::New(env, cb, name));
  };
  fn(exports, "info", InfoJs);
  fn(exports, "setThreads", SetThreadsJs);
  fn(exports, "limitSimd", LimitSimdJs);
  fn(exports, "setGemmSplit", SetGemmSplitJs);
  fn(exports, "fmaPeak", FmaPeakJs);
  fn(exports, "alignOffset", AlignOffsetJs);
  Napi::Object k = Napi::Object::New(env);
#define QUADRA_REGISTER(name) fn(k, #name, name##Js);
  QUADRA_KERNELS(QUADRA_REGISTER)
#undef QUADRA_REGISTER
  exports.Set("kernels", k);
  return exports;
}

NODE_API_MODULE(quadra, Init)

}  // namespace quadra::binding
