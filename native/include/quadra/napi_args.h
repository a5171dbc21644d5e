// Argument checks both Node-API modules (quadra.node, quadra_cuda.node) share: the TypeError /
// RangeError carrying the code that @quadranet/lib maps to its typed errors, and integer lists.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace quadra::napi_args {

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

// A JS array of at most `max_dims` safe integers, each >= `min` (when `check_min`).
inline std::vector<int64_t> IntListArg(Napi::Env env, Napi::Value v, const std::string& name, bool check_min,
                                       int64_t min, int max_dims) {
  if (!v.IsArray()) ThrowType(env, name + ": expected an array of integers");
  auto arr = v.As<Napi::Array>();
  if (arr.Length() > uint32_t(max_dims)) {
    ThrowRange(env, name + ": at most " + std::to_string(max_dims) + " axes are supported, got " +
                        std::to_string(arr.Length()));
  }
  std::vector<int64_t> out(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value e = arr.Get(i);
    const std::string at = name + "[" + std::to_string(i) + "]";
    if (!e.IsNumber()) ThrowType(env, at + ": expected an integer");
    const double d = e.As<Napi::Number>().DoubleValue();
    if (d != std::floor(d) || !(std::fabs(d) <= 9007199254740991.0)) ThrowRange(env, at + ": expected an integer");
    if (check_min && d < double(min)) ThrowRange(env, at + ": expected an integer >= " + std::to_string(min) + ", got " + e.ToString().Utf8Value());
    out[i] = int64_t(d);
  }
  return out;
}

}  // namespace quadra::napi_args
