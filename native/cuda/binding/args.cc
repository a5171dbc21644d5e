#include "args.h"

#include <cmath>

#include "qcuda/allocator.h"
#include "quadra/napi_args.h"
#include "qcuda/device.h"

namespace qc::binding {
namespace {

// Marks handles created by this module: a foreign external can never pass as an allocation.
constexpr napi_type_tag kAllocationTag = {0x7175616472616375ULL, 0x6461616c6c6f6331ULL};

}  // namespace

void ThrowType(Napi::Env env, const std::string& msg) { quadra::napi_args::ThrowType(env, msg); }

void ThrowRange(Napi::Env env, const std::string& msg) { quadra::napi_args::ThrowRange(env, msg); }

void ThrowError(Napi::Env env, const std::string& msg, const char* code) {
  Napi::Error err = Napi::Error::New(env, msg);
  err.Set("code", Napi::String::New(env, code));
  throw err;
}

cudaStream_t StreamOrThrow(Napi::Env env) {
  cudaStream_t s = nullptr;
  Run(env, [&] { s = Stream(); });
  return s;
}

Napi::External<Allocation> NewHandle(Napi::Env env, int64_t elements, bool zero) {
  cudaStream_t st = StreamOrThrow(env);
  auto* a = new Allocation();
  a->elements = elements;
  try {
    Run(env, [&] {
      a->ptr = DeviceAlloc(size_t(elements) * sizeof(float), &a->block);
      if (zero && a->ptr) QC_CHECK(cudaMemsetAsync(a->ptr, 0, size_t(elements) * sizeof(float), st));
    });
  } catch (...) {
    if (a->ptr) DeviceFree(a->ptr, a->block);
    delete a;
    throw;
  }
  // Device bytes count as external memory so that V8 collects dropped handles under pressure.
  Napi::MemoryManagement::AdjustExternalMemory(env, int64_t(a->block));
  auto ext = Napi::External<Allocation>::New(env, a, [](Napi::Env e, Allocation* p) {
    if (!p->released) {
      DeviceFree(p->ptr, p->block);
      Napi::MemoryManagement::AdjustExternalMemory(e, -int64_t(p->block));
    }
    delete p;
  });
  ext.TypeTag(&kAllocationTag);
  return ext;
}

Allocation* HandleArg(Napi::Env env, Napi::Value v, const std::string& name) {
  if (!v.IsExternal() || !v.As<Napi::External<Allocation>>().CheckTypeTag(&kAllocationTag)) {
    ThrowType(env, name + ": expected a device allocation handle of quadra_cuda");
  }
  return v.As<Napi::External<Allocation>>().Data();
}

View DevArg(Napi::Env env, Napi::Value v, const std::string& name, int64_t expected, bool optional) {
  if (optional && (v.IsUndefined() || v.IsNull())) return View{};
  if (!v.IsObject()) ThrowType(env, name + ": expected a DeviceArray");
  Napi::Object o = v.As<Napi::Object>();
  Allocation* a = HandleArg(env, o.Get("handle"), name + ".handle");
  const int64_t off = IntArg(env, o.Get("offset"), name + ".offset", 0);
  const int64_t len = IntArg(env, o.Get("length"), name + ".length", 0);
  if (a->released) ThrowError(env, name + ": its allocation was released", "QUADRA_CUDA_RELEASED");
  if (off > a->elements || len > a->elements - off) {
    ThrowRange(env, name + ": view [" + std::to_string(off) + ", " + std::to_string(off + len) +
                        ") is outside its allocation of " + std::to_string(a->elements) + " elements");
  }
  if (expected >= 0 && len != expected) {
    ThrowRange(env, name + ": expected " + std::to_string(expected) + " elements, got " + std::to_string(len));
  }
  View view;
  view.p = static_cast<float*>(a->ptr) + off;
  view.n = len;
  view.alloc = a;
  return view;
}

void NoAlias(Napi::Env env, const View& out, const std::string& out_name, const View& in, const std::string& in_name) {
  if (!out.p || !in.p || out.alloc != in.alloc || out.n == 0 || in.n == 0) return;
  if (out.p < in.p + in.n && in.p < out.p + out.n) ThrowRange(env, out_name + ": must not share memory with " + in_name);
}

void SameOrNoAlias(Napi::Env env, const View& out, const std::string& out_name, const View& in,
                   const std::string& in_name) {
  if (out.p == in.p && out.n == in.n) return;
  NoAlias(env, out, out_name, in, in_name);
}

std::vector<int64_t> IntListArg(Napi::Env env, Napi::Value v, const std::string& name, bool check_min, int64_t min) {
  return quadra::napi_args::IntListArg(env, v, name, check_min, min, kMaxDims);
}

std::vector<int64_t> ShapeArg(Napi::Env env, Napi::Value v, const std::string& name, int64_t* elements) {
  std::vector<int64_t> s = IntListArg(env, v, name, true, 0);
  int64_t n = 1;
  for (int64_t d : s) n = CheckedProduct(env, n, d, name);
  *elements = n;
  return s;
}

Napi::Int32Array IndexArg(Napi::Env env, Napi::Value v, const std::string& name, int64_t bound) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    ThrowType(env, name + ": expected an Int32Array");
  }
  auto arr = v.As<Napi::Int32Array>();
  const int32_t* d = arr.Data();
  for (size_t i = 0; i < arr.ElementLength(); ++i) {
    if (d[i] < 0 || d[i] >= bound) {
      ThrowRange(env, name + "[" + std::to_string(i) + "] = " + std::to_string(d[i]) + " is outside [0, " +
                          std::to_string(bound) + ")");
    }
  }
  return arr;
}

ConvDims ConvArg(Napi::Env env, Napi::Value shape_v, Napi::Value k_v) {
  Napi::Object shape = ObjectArg(env, shape_v, "shape");
  ConvDims s{};
  const int64_t n = IntArg(env, shape.Get("n"), "shape.n", 1), h = IntArg(env, shape.Get("h"), "shape.h", 1);
  const int64_t w = IntArg(env, shape.Get("w"), "shape.w", 1), c = IntArg(env, shape.Get("c"), "shape.c", 1);
  const int64_t k = IntArg(env, k_v, "k", 1);
  quadra::napi_args::KernelSizeArg(env, k);
  const int64_t total = CheckedProduct(env, CheckedProduct(env, CheckedProduct(env, n, h, "shape"), w, "shape"), c, "shape");
  if (h > (1 << 30) || w > (1 << 30) || c > (1 << 30) || n > (1 << 30) || total >= (int64_t(1) << 46)) {
    ThrowRange(env, "shape: too large for the CUDA conv kernels");
  }
  s.n = int(n), s.h = int(h), s.w = int(w), s.c = int(c), s.k = int(k);
  return s;
}

BinOp OpArg(Napi::Env env, Napi::Value v, const std::string& name) {
  return BinOp(quadra::napi_args::BinaryOpArg(env, v, name));
}

}  // namespace qc::binding
