// Module registration.
#include <napi.h>

#include "ops.h"

namespace quadra::binding {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("quadconvForward", Napi::Function::New(env, QuadConvForwardJs, "quadconvForward"));
  exports.Set("quadconvBackward", Napi::Function::New(env, QuadConvBackwardJs, "quadconvBackward"));
  exports.Set("dwconvForward", Napi::Function::New(env, DwConvForwardJs, "dwconvForward"));
  exports.Set("dwconvBackward", Napi::Function::New(env, DwConvBackwardJs, "dwconvBackward"));
  exports.Set("info", Napi::Function::New(env, InfoJs, "info"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreadsJs, "setThreads"));
  exports.Set("limitSimd", Napi::Function::New(env, LimitSimdJs, "limitSimd"));
  exports.Set("fmaPeak", Napi::Function::New(env, FmaPeakJs, "fmaPeak"));
  exports.Set("alignOffset", Napi::Function::New(env, AlignOffsetJs, "alignOffset"));
  return exports;
}

NODE_API_MODULE(quadra, Init)

}  // namespace quadra::binding
