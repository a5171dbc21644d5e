#include "args.h"

#include <cmath>

#include "quadra/layout.h"
#include "quadra/napi_args.h"

namespace quadra::binding {

void ThrowType(Napi::Env env, const std::string& msg) { napi_args::ThrowType(env, msg); }

void ThrowRange(Napi::Env env, const std::string& msg) { napi_args::ThrowRange(env, msg); }

float* Float32Arg(Napi::Env env, Napi::Value v, const std::string& name, int64_t expected,
                  bool optional) {
  if (optional && (v.IsUndefined() || v.IsNull())) return nullptr;
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    ThrowType(env, name + ": expected a Float32Array");
  }
  auto arr = v.As<Napi::Float32Array>();
  if (static_cast<int64_t>(arr.ElementLength()) != expected) {
    ThrowRange(env, name + ": expected " + std::to_string(expected) + " elements, got " +
                        std::to_string(arr.ElementLength()));
  }
  return arr.Data();
}

ConvShape ShapeArgs(Napi::Env env, Napi::Value shape_v, Napi::Value k_v) {
  Napi::Object shape = ObjectArg(env, shape_v, "shape");
  ConvShape s{};
  s.n = PositiveIntArg(env, shape.Get("n"), "shape.n");
  s.h = PositiveIntArg(env, shape.Get("h"), "shape.h");
  s.w = PositiveIntArg(env, shape.Get("w"), "shape.w");
  s.c = PositiveIntArg(env, shape.Get("c"), "shape.c");
  s.k = napi_args::KernelSizeArg(env, PositiveIntArg(env, k_v, "k"));
  RunKernel(env, [&] { CheckConvShape(s); });
  return s;
}

void CheckNoAlias(Napi::Env env, const float* out, int64_t out_len, const std::string& out_name,
                  const float* in, int64_t in_len, const std::string& in_name) {
  if (!out || !in) return;
  if (out < in + in_len && in < out + out_len) {
    ThrowRange(env, out_name + ": must not share memory with " + in_name);
  }
}

F32Span Float32Span(Napi::Env env, Napi::Value v, const std::string& name) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    ThrowType(env, name + ": expected a Float32Array");
  }
  auto arr = v.As<Napi::Float32Array>();
  return {arr.Data(), static_cast<int64_t>(arr.ElementLength())};
}

void CheckSameOrNoAlias(Napi::Env env, const float* out, int64_t out_len, const std::string& out_name,
                        const float* in, int64_t in_len, const std::string& in_name) {
  if (out == in && out_len == in_len) return;
  CheckNoAlias(env, out, out_len, out_name, in, in_len, in_name);
}

std::vector<int64_t> IntListArg(Napi::Env env, Napi::Value v, const std::string& name, bool check_min, int64_t min) {
  return napi_args::IntListArg(env, v, name, check_min, min, kMaxDims);
}

std::vector<int64_t> ShapeListArg(Napi::Env env, Napi::Value v, const std::string& name, int64_t* elements) {
  std::vector<int64_t> s = IntListArg(env, v, name, true, 0);
  int64_t n = 1;
  for (int64_t d : s) n = CheckedProduct(env, n, d, name);
  *elements = n;
  return s;
}

const int32_t* Int32Arg(Napi::Env env, Napi::Value v, const std::string& name, int64_t* length) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    ThrowType(env, name + ": expected an Int32Array");
  }
  auto arr = v.As<Napi::Int32Array>();
  *length = int64_t(arr.ElementLength());
  return arr.Data();
}

}  // namespace quadra::binding
