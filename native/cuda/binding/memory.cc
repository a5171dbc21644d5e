// Status, allocation and transfers: status, alloc, release, upload, download, copy, fill, memory,
// resetPeak, emptyCache, synchronize.
#include "args.h"
#include "ops.h"
#include "qcuda/allocator.h"
#include "qcuda/cublas_api.h"
#include "qcuda/device.h"

namespace qc::binding {

Napi::Value StatusJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DeviceStatus& s = Status();
  Napi::Object o = Napi::Object::New(env);
  o.Set("available", Napi::Boolean::New(env, s.available));
  o.Set("reason", Napi::String::New(env, s.reason));
  if (s.runtime_version) o.Set("runtimeVersion", Napi::Number::New(env, s.runtime_version));
  if (s.driver_version) o.Set("driverVersion", Napi::Number::New(env, s.driver_version));
  if (s.available) {
    Napi::Object d = Napi::Object::New(env);
    d.Set("name", Napi::String::New(env, s.name));
    d.Set("computeCapability", Napi::String::New(env, std::to_string(s.major) + "." + std::to_string(s.minor)));
    d.Set("multiprocessors", Napi::Number::New(env, s.multiprocessors));
    d.Set("memoryBytes", Napi::Number::New(env, s.memory_bytes));
    o.Set("device", d);
    bool ok = false;
    std::string desc = CublasDescription(&ok);
    o.Set("cublas", Napi::String::New(env, ok ? desc : "unavailable: " + desc));
  }
  return o;
}

// alloc(length, zero) -> handle
Napi::Value AllocJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t n = IntArg(env, info[0], "length", 0);
  if (n > (int64_t(1) << 40)) ThrowRange(env, "length: " + std::to_string(n) + " elements is too many");
  return NewHandle(env, n, BoolArg(env, info[1], "zero"));
}

// release(handle): back to the pool; idempotent.
Napi::Value ReleaseJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Allocation* a = HandleArg(env, info[0], "handle");
  if (!a->released) {
    a->released = true;
    DeviceFree(a->ptr, a->block);
    Napi::MemoryManagement::AdjustExternalMemory(env, -int64_t(a->block));
  }
  return env.Undefined();
}

// upload(dst, src: Float32Array)
Napi::Value UploadJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  View dst = DevArg(env, info[0], "dst");
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    ThrowType(env, "src: expected a Float32Array");
  }
  auto src = info[1].As<Napi::Float32Array>();
  if (int64_t(src.ElementLength()) != dst.n) {
    ThrowRange(env, "src: expected " + std::to_string(dst.n) + " elements (dst.length), got " + std::to_string(src.ElementLength()));
  }
  // From pageable memory the copy returns once src is staged: the caller may reuse src at once.
  if (dst.n) RunOnStream(env, [&](cudaStream_t st) { QC_CHECK(cudaMemcpyAsync(dst.p, src.Data(), size_t(dst.n) * 4, cudaMemcpyHostToDevice, st)); });
  return env.Undefined();
}

// download(src, dst: Float32Array): waits for the stream.
Napi::Value DownloadJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  View src = DevArg(env, info[0], "src");
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    ThrowType(env, "dst: expected a Float32Array");
  }
  auto dst = info[1].As<Napi::Float32Array>();
  if (int64_t(dst.ElementLength()) != src.n) {
    ThrowRange(env, "dst: expected " + std::to_string(src.n) + " elements (src.length), got " + std::to_string(dst.ElementLength()));
  }
  RunOnStream(env, [&](cudaStream_t st) {
    if (src.n) QC_CHECK(cudaMemcpyAsync(dst.Data(), src.p, size_t(src.n) * 4, cudaMemcpyDeviceToHost, st));
    QC_CHECK(cudaStreamSynchronize(st));
  });
  return env.Undefined();
}

// copy(src, dst)
Napi::Value CopyJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  View src = DevArg(env, info[0], "src");
  View dst = DevArg(env, info[1], "dst", src.n);
  SameOrNoAlias(env, dst, "dst", src, "src");
  if (src.n && src.p != dst.p) {
    RunOnStream(env, [&](cudaStream_t st) { QC_CHECK(cudaMemcpyAsync(dst.p, src.p, size_t(src.n) * 4, cudaMemcpyDeviceToDevice, st)); });
  }
  return env.Undefined();
}

// fill(dst, value) (NaN and infinities allowed: fills are also used for masks)
Napi::Value FillJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  View dst = DevArg(env, info[0], "dst");
  if (!info[1].IsNumber()) ThrowType(env, "value: expected a number");
  const float v = float(info[1].As<Napi::Number>().DoubleValue());
  RunOnStream(env, [&](cudaStream_t st) { Fill(dst.p, v, dst.n, st); });
  return env.Undefined();
}

Napi::Value MemoryJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MemoryStats m = Memory();
  Napi::Object o = Napi::Object::New(env);
  o.Set("live", Napi::Number::New(env, double(m.live)));
  o.Set("pooled", Napi::Number::New(env, double(m.pooled)));
  o.Set("peak", Napi::Number::New(env, double(m.peak)));
  o.Set("count", Napi::Number::New(env, double(m.count)));
  o.Set("mallocs", Napi::Number::New(env, double(m.mallocs)));
  return o;
}

Napi::Value ResetPeakJs(const Napi::CallbackInfo& info) {
  ResetPeak();
  return info.Env().Undefined();
}

Napi::Value EmptyCacheJs(const Napi::CallbackInfo& info) {
  Run(info.Env(), [] { EmptyCache(); });
  return info.Env().Undefined();
}

Napi::Value SynchronizeJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RunOnStream(env, [&](cudaStream_t st) { QC_CHECK(cudaStreamSynchronize(st)); });
  return env.Undefined();
}

}  // namespace qc::binding
