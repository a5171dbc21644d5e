// Module registration. `kernels` carries one function per name of @quadranet/lib's
// KernelSignatures with the same parameters (Float32Array buffers), as quadra_cuda.node's does,
// so @quadranet/core binds it by name; the rest are the module's settings and probes.
#include <napi.h>

#include "ops.h"

namespace quadra::binding {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto fn = [&](Napi::Object o, const char* name, Napi::Function::Callback cb) {
    o.Set(name, Napi::Function::New(env, cb, name));
  };
  fn(exports, "info", InfoJs);
  fn(exports, "setThreads", SetThreadsJs);
  fn(exports, "limitSimd", LimitSimdJs);
  fn(exports, "fmaPeak", FmaPeakJs);
  fn(exports, "alignOffset", AlignOffsetJs);
  Napi::Object k = Napi::Object::New(env);
  fn(k, "Axpy", AxpyJs);
  fn(k, "Scale", ScaleJs);
  fn(k, "Binary", BinaryJs);
  fn(k, "BroadcastBinary", BroadcastBinaryJs);
  fn(k, "RowScale", RowScaleJs);
  fn(k, "ReduceSum", ReduceSumJs);
  fn(k, "SumRows", SumRowsJs);
  fn(k, "Gemm", GemmJs);
  fn(k, "Linear", LinearJs);
  fn(k, "LinearGrad", LinearGradJs);
  fn(k, "LayerNorm", LayerNormJs);
  fn(k, "LayerNormGrad", LayerNormGradJs);
  fn(k, "Gelu", GeluJs);
  fn(k, "BiasGelu", BiasGeluJs);
  fn(k, "GeluGrad", GeluGradJs);
  fn(k, "ScaleAdd", ScaleAddJs);
  fn(k, "ScaleAddGrad", ScaleAddGradJs);
  fn(k, "QuadConv2d", QuadConv2dJs);
  fn(k, "QuadConv2dGrad", QuadConv2dGradJs);
  fn(k, "DwConv2d", DwConv2dJs);
  fn(k, "DwConv2dGrad", DwConv2dGradJs);
  fn(k, "Im2Col", Im2ColJs);
  fn(k, "Col2Im", Col2ImJs);
  fn(k, "Permute", PermuteJs);
  fn(k, "CopyWindow", CopyWindowJs);
  fn(k, "Roll", RollJs);
  fn(k, "Gather", GatherJs);
  fn(k, "Softmax", SoftmaxJs);
  fn(k, "SoftmaxGrad", SoftmaxGradJs);
  fn(k, "CrossEntropy", CrossEntropyJs);
  fn(k, "CrossEntropyGrad", CrossEntropyGradJs);
  fn(k, "AdamW", AdamWJs);
  fn(k, "Sgd", SgdJs);
  exports.Set("kernels", k);
  return exports;
}

NODE_API_MODULE(quadra, Init)

}  // namespace quadra::binding
