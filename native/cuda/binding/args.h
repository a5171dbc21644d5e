// Argument unpacking for the CUDA module's N-API glue. Device arrays arrive as the JS DeviceArray
// objects of @quadranet/lib ({handle, offset, length}); every view is checked against its
// allocation (RangeError naming the argument) before any kernel sees a pointer.
#pragma once
#include <napi.h>

#include "quadra/napi_args.h"

#include <cstdint>
#include <string>
#include <vector>

#include "qcuda/check.h"
#include "qcuda/kernels.h"

namespace qc::binding {

// One device allocation owned by a JS handle (an N-API external, finalizer returns it to the pool).
struct Allocation {
  void* ptr = nullptr;
  size_t block = 0;      // bytes of the cached block
  int64_t elements = 0;  // float32 elements requested
  bool released = false;
};

[[noreturn]] void ThrowType(Napi::Env env, const std::string& msg);
[[noreturn]] void ThrowRange(Napi::Env env, const std::string& msg);
[[noreturn]] void ThrowError(Napi::Env env, const std::string& msg, const char* code);

Napi::External<Allocation> NewHandle(Napi::Env env, int64_t elements, bool zero);
// The allocation behind a handle value (TypeError unless it is one of ours).
Allocation* HandleArg(Napi::Env env, Napi::Value v, const std::string& name);

struct View {
  float* p = nullptr;
  int64_t n = 0;
  const Allocation* alloc = nullptr;
};
// A DeviceArray; `expected` >= 0 requires that many elements; `optional` accepts null/undefined.
View DevArg(Napi::Env env, Napi::Value v, const std::string& name, int64_t expected = -1, bool optional = false);
// Throws when two views of one allocation overlap (an output must not alias an input it reads).
void NoAlias(Napi::Env env, const View& out, const std::string& out_name, const View& in, const std::string& in_name);
// Like NoAlias but the two may be exactly the same view (elementwise kernels).
void SameOrNoAlias(Napi::Env env, const View& out, const std::string& out_name, const View& in,
                   const std::string& in_name);

using quadra::napi_args::IntArg;
std::vector<int64_t> IntListArg(Napi::Env env, Napi::Value v, const std::string& name, bool check_min, int64_t min);
std::vector<int64_t> ShapeArg(Napi::Env env, Napi::Value v, const std::string& name, int64_t* elements);
using quadra::napi_args::ObjectArg;
using quadra::napi_args::BoolArg;
using quadra::napi_args::CheckedProduct;
using quadra::napi_args::NumberArg;
struct RowsCols {
  int64_t rows, cols, n;
};
// Integer `rows` >= 0 and `cols` >= min_cols, and their product n (RangeError on overflow).
inline RowsCols RowsColsArg(Napi::Env env, Napi::Value rows, Napi::Value cols, int64_t min_cols = 0) {
  const int64_t r = IntArg(env, rows, "rows", 0), c = IntArg(env, cols, "cols", min_cols);
  return {r, c, CheckedProduct(env, r, c, "rows x cols")};
}
// An Int32Array (host memory) with every value in [0, bound).
Napi::Int32Array IndexArg(Napi::Env env, Napi::Value v, const std::string& name, int64_t bound);
// {n, h, w, c} and an odd k in [1, quadra::kMaxKernel].
ConvDims ConvArg(Napi::Env env, Napi::Value shape, Napi::Value k);
BinOp OpArg(Napi::Env env, Napi::Value v, const std::string& name);

// The device stream (Error with the CUDA reason when unavailable).
cudaStream_t StreamOrThrow(Napi::Env env);

// Runs host code that may throw qc errors, turning them into JS errors.
template <class F>
void Run(Napi::Env env, F&& f) {
  try {
    f();
  } catch (const ArgError& e) {
    ThrowRange(env, e.what());
  } catch (const LibraryError& e) {
    ThrowError(env, e.what(), "QUADRA_CUDA_LIBRARY");
  } catch (const CudaError& e) {
    ThrowError(env, e.what(), "QUADRA_CUDA");
  } catch (const std::bad_alloc&) {
    ThrowError(env, "QuadraLib CUDA: out of host memory", "QUADRA_OUT_OF_MEMORY");
  } catch (const Napi::Error&) {
    throw;  // already a JS error
  } catch (const std::exception& e) {
    // Any other C++ exception (std::out_of_range, std::system_error, ...): never across the C boundary.
    ThrowError(env, std::string("QuadraLib CUDA: internal error: ") + e.what(), "QUADRA_CUDA");
  }
}

// Run(), handing `f` the device stream (an Error with the CUDA reason when there is none).
template <class F>
void RunOnStream(Napi::Env env, F&& f) {
  cudaStream_t st = StreamOrThrow(env);
  Run(env, [&] { f(st); });
}

}  // namespace qc::binding
