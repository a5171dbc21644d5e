// Module facts (version, SIMD target, threads) and the runtime settings.
#include "args.h"
#include "ops.h"
#include "quadra/gemm.h"
#include "quadra/scratch.h"

namespace quadra::binding {

Napi::Value InfoJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("version", QUADRA_VERSION);
  o.Set("simd", SimdTargetName());
  o.Set("convSimd", ConvSimdTargetName());
  const char* names[64];
  const int count = SupportedSimdTargets(names, 64);
  Napi::Array arr = Napi::Array::New(env, count);
  for (int i = 0; i < count; ++i) arr.Set(uint32_t(i), names[i]);
  o.Set("simdSupported", arr);
  o.Set("threads", NumThreads());
  o.Set("gemm", GemmProvider());
  o.Set("gemmSplit", GemmSplit());
  return o;
}

// setThreads(n): 0 restores the default (one per core).
Napi::Value SetThreadsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) ThrowType(env, "threads: expected a non-negative integer");
  const double n = info[0].As<Napi::Number>().DoubleValue();
  if (!(n >= 0) || n != static_cast<int>(n) || n > 4096) {
    ThrowRange(env, "threads: expected an integer in [0, 4096]");
  }
  SetNumThreads(static_cast<int>(n));
  return Napi::Number::New(env, NumThreads());
}

// setGemmSplit(on): whether GEMMs are split across threads by our code or by the provider.
Napi::Value SetGemmSplitJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsBoolean()) ThrowType(env, "on: expected a boolean");
  SetGemmSplit(info[0].As<Napi::Boolean>().Value());
  return Napi::Boolean::New(env, GemmSplit());
}

// limitSimd(name): dispatch to `name` or worse targets only ("" restores the best).
Napi::Value LimitSimdJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) ThrowType(env, "target: expected a string");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  if (!LimitSimdTarget(name.c_str())) {
    ThrowRange(env, "target: '" + name + "' is not a SIMD target supported on this CPU");
  }
  return Napi::String::New(env, SimdTargetName());
}

// fmaPeak(seconds) -> GFLOP/s
Napi::Value FmaPeakJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double seconds = 0.3;
  if (info.Length() > 0 && info[0].IsNumber()) seconds = info[0].As<Napi::Number>().DoubleValue();
  if (!(seconds > 0 && seconds <= 10)) ThrowRange(env, "seconds: expected a number in (0, 10]");
  return Napi::Number::New(env, FmaPeakGflops(seconds));
}

}  // namespace quadra::binding

namespace quadra::binding {

// alignOffset(buffer): elements to skip from the start of an ArrayBuffer so that a Float32Array
// view begins on a 64-byte boundary (JS cannot see addresses; split cache-line loads cost ~2x).
Napi::Value AlignOffsetJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArrayBuffer()) ThrowType(env, "buffer: expected an ArrayBuffer");
  Napi::ArrayBuffer buf = info[0].As<Napi::ArrayBuffer>();
  const auto addr = reinterpret_cast<uintptr_t>(buf.Data());
  // Large buffers: also ask for transparent huge pages (fewer TLB misses in the strided walks).
  if (buf.ByteLength() >= (size_t(4) << 20)) AdviseHugePages(buf.Data(), buf.ByteLength());
  return Napi::Number::New(env, double(((64 - addr % 64) % 64) / sizeof(float)));
}

}  // namespace quadra::binding
