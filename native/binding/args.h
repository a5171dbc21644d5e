// Argument unpacking for the N-API glue: every check names the argument and what was expected,
// and raises a JS TypeError or RangeError (never an abort).
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "quadra/kernels.h"
#include "quadra/napi_args.h"

namespace quadra::binding {

[[noreturn]] void ThrowType(Napi::Env env, const std::string& msg);
[[noreturn]] void ThrowRange(Napi::Env env, const std::string& msg);

// A Float32Array of exactly `expected` elements. When `optional`, undefined/null give nullptr.
float* Float32Arg(Napi::Env env, Napi::Value v, const std::string& name, int64_t expected,
                  bool optional = false);

// A positive safe integer.
inline int64_t PositiveIntArg(Napi::Env env, Napi::Value v, const std::string& name) {
  return napi_args::IntArg(env, v, name, 1);
}
// A safe integer >= 0.
inline int64_t NonNegIntArg(Napi::Env env, Napi::Value v, const std::string& name) {
  return napi_args::IntArg(env, v, name, 0);
}
// An Int32Array (its data; *length gets its element count).
const int32_t* Int32Arg(Napi::Env env, Napi::Value v, const std::string& name, int64_t* length);

using napi_args::ObjectArg;

// {n, h, w, c} plus the kernel size, checked by the kernels' own CheckConvShape.
ConvShape ShapeArgs(Napi::Env env, Napi::Value shape, Napi::Value k);

// Throws when the two ranges overlap: an output must not alias an input it reads.
void CheckNoAlias(Napi::Env env, const float* out, int64_t out_len, const std::string& out_name,
                  const float* in, int64_t in_len, const std::string& in_name);

// A Float32Array of any length (its data and element count).
struct F32Span {
  float* data;
  int64_t size;
};
F32Span Float32Span(Napi::Env env, Napi::Value v, const std::string& name);

using napi_args::BoolArg;
using napi_args::CheckedProduct;
using napi_args::NumberArg;

// Like CheckNoAlias, but the output may be exactly the input (same start, same length): for
// elementwise kernels that read element i before writing it.
void CheckSameOrNoAlias(Napi::Env env, const float* out, int64_t out_len, const std::string& out_name,
                        const float* in, int64_t in_len, const std::string& in_name);

// A JS array of at most kMaxDims (quadra/layout.h) safe integers, each >= `min` when `check_min`.
std::vector<int64_t> IntListArg(Napi::Env env, Napi::Value v, const std::string& name, bool check_min, int64_t min);
// A shape: non-negative integers; *elements gets their product (checked against 2^53).
std::vector<int64_t> ShapeListArg(Napi::Env env, Napi::Value v, const std::string& name, int64_t* elements);

// Runs a kernel, turning its C++ exceptions into JS errors.
template <class F>
void RunKernel(Napi::Env env, F&& f);

}  // namespace quadra::binding

#include "run_kernel-inl.h"
