// Argument checks both Node-API modules (quadra.node, quadra_cuda.node) share: the TypeError /
// RangeError carrying the code that @quadranet/lib maps to its typed errors, and integer lists.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "quadra/limits.h"

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

// A safe integer >= min ("a positive integer" when min is 1).
inline int64_t IntArg(Napi::Env env, Napi::Value v, const std::string& name, int64_t min) {
  const std::string want = min == 1 ? "a positive integer" : "an integer >= " + std::to_string(min);
  if (!v.IsNumber()) ThrowType(env, name + ": expected " + want);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (d != std::floor(d) || !(std::fabs(d) <= 9007199254740991.0) || d < double(min)) {
    ThrowRange(env, name + ": expected " + want + ", got " + v.ToString().Utf8Value());
  }
  return int64_t(d);
}

// An object; with `optional`, undefined/null give an empty Napi::Object (IsEmpty()).
inline Napi::Object ObjectArg(Napi::Env env, Napi::Value v, const std::string& name, bool optional = false) {
  if (optional && (v.IsUndefined() || v.IsNull())) return Napi::Object();
  if (!v.IsObject()) ThrowType(env, name + ": expected an object");
  return v.As<Napi::Object>();
}

// A binary op name: 'add', 'sub', 'mul', 'div' as 0..3 (both modules' enums use this order).
inline int BinaryOpArg(Napi::Env env, Napi::Value v, const std::string& name) {
  static const char* const kOps[] = {"add", "sub", "mul", "div"};
  if (!v.IsString()) ThrowType(env, name + ": expected 'add', 'sub', 'mul' or 'div'");
  const std::string s = v.As<Napi::String>().Utf8Value();
  for (int i = 0; i < 4; ++i) {
    if (s == kOps[i]) return i;
  }
  ThrowRange(env, name + ": expected 'add', 'sub', 'mul' or 'div', got '" + s + "'");
}

// A finite number.
inline double NumberArg(Napi::Env env, Napi::Value v, const std::string& name) {
  if (!v.IsNumber()) ThrowType(env, name + ": expected a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) ThrowRange(env, name + ": expected a finite number, got " + v.ToString().Utf8Value());
  return d;
}

// A boolean; undefined gives `fallback`.
inline bool BoolArg(Napi::Env env, Napi::Value v, const std::string& name, bool fallback = false) {
  if (v.IsUndefined()) return fallback;
  if (!v.IsBoolean()) ThrowType(env, name + ": expected a boolean");
  return v.As<Napi::Boolean>().Value();
}

// a * b for element counts, checked against 2^53 (JS safe integers).
inline int64_t CheckedProduct(Napi::Env env, int64_t a, int64_t b, const std::string& what) {
  constexpr int64_t kMax = int64_t(1) << 53;
  if (a != 0 && b > kMax / a) {
    ThrowRange(env, what + ": " + std::to_string(a) + " x " + std::to_string(b) + " elements is too many");
  }
  return a * b;
}

// A depthwise kernel size (already checked to be a positive integer): odd, at most kMaxKernel.
inline int KernelSizeArg(Napi::Env env, int64_t k) {
  if (k > kMaxKernel || k % 2 == 0) {
    ThrowRange(env, "k: expected an odd kernel size in [1, " + std::to_string(kMaxKernel) + "], got " + std::to_string(k));
  }
  return int(k);
}

// d: {rows, inFeatures, outFeatures} of a linear layer (each >= min) into D's rows/in/out,
// with the element counts of x, y and w checked to stay safe integers.
template <class D>
D LinearDimsArg(Napi::Env env, Napi::Value v, int64_t min) {
  Napi::Object o = ObjectArg(env, v, "d");
  D d{};
  d.rows = IntArg(env, o.Get("rows"), "d.rows", min);
  d.in = IntArg(env, o.Get("inFeatures"), "d.inFeatures", min);
  d.out = IntArg(env, o.Get("outFeatures"), "d.outFeatures", min);
  CheckedProduct(env, d.rows, d.in > d.out ? d.in : d.out, "d");
  CheckedProduct(env, d.in, d.out, "d");
  return d;
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
