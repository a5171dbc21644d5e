// The JS errors both Node-API modules (quadra.node, quadra_cuda.node) raise for bad arguments:
// a TypeError / RangeError carrying the code that @quadranet/lib maps to its typed errors.
#pragma once

#include <napi.h>

#include <string>

namespace quadra::napi_errors {

[[noreturn]] inline void ThrowType(Napi::Env env, const std::string& msg) {
  Napi::Error err = Napi::TypeError::New(env, msg);
  err.Set("code", Napi::String::New(env, "QUADRA_INVALID_TYPE"));
  throw err;
}

[[noreturn]] inline void ThrowRange(Napi::Env env, const std::string& msg) {
  Napi::Error err = Napi::RangeError::New(env, msg);
  err.Set("code", Napi::String::New(env, "QUADRA_INVALID_ARGUMENT"));
  throw err;
}

}  // namespace quadra::napi_errors
