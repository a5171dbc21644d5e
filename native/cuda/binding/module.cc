// Module registration. `kernels` carries one function per name of @quadranet/core's KernelTable
// with the same parameters (DeviceArray for buffers), so the TypeScript side passes them through.
#include <napi.h>

#include "ops.h"

namespace qc::binding {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto fn = [&](Napi::Object o, const char* name, Napi::Function::Callback cb) {
    o.Set(name, Napi::Function::New(env, cb, name));
  };
  fn(exports, "status", StatusJs);
  fn(exports, "alloc", AllocJs);
  fn(exports, "release", ReleaseJs);
  fn(exports, "upload", UploadJs);
  fn(exports, "download", DownloadJs);
  fn(exports, "copy", CopyJs);
  fn(exports, "fill", FillJs);
  fn(exports, "memory", MemoryJs);
  fn(exports, "resetPeak", ResetPeakJs);
  fn(exports, "emptyCache", EmptyCacheJs);
  fn(exports, "synchronize", SynchronizeJs);
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
  exports.Set("version", Napi::String::New(env, QUADRA_VERSION));
  return exports;
}

NODE_API_MODULE(quadra_cuda, Init)

}  // namespace qc::binding
