// Module registration.
#include <napi.h>

#include "ops.h"

namespace quadra::binding {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("quadconvForward", Napi::Function::New(env, QuadConvForwardJs, "quadconvForward"));
  exports.Set("quadconvBackward", Napi::Function::New(env, QuadConvBackwardJs, "quadconvBackward"));
  exports.Set("dwconvForward", Napi::Function::New(env, DwConvForwardJs, "dwconvForward"));
  exports.Set("dwconvBackward", Napi::Function::New(env, DwConvBackwardJs, "dwconvBackward"));
  exports.Set("gemm", Napi::Function::New(env, GemmJs, "gemm"));
  exports.Set("linear", Napi::Function::New(env, LinearJs, "linear"));
  exports.Set("linearBackward", Napi::Function::New(env, LinearBackwardJs, "linearBackward"));
  exports.Set("layerNorm", Napi::Function::New(env, LayerNormJs, "layerNorm"));
  exports.Set("layerNormBackward", Napi::Function::New(env, LayerNormBackwardJs, "layerNormBackward"));
  exports.Set("gelu", Napi::Function::New(env, GeluJs, "gelu"));
  exports.Set("geluBackward", Napi::Function::New(env, GeluBackwardJs, "geluBackward"));
  exports.Set("biasGelu", Napi::Function::New(env, BiasGeluJs, "biasGelu"));
  exports.Set("binary", Napi::Function::New(env, BinaryJs, "binary"));
  exports.Set("scale", Napi::Function::New(env, ScaleJs, "scale"));
  exports.Set("axpy", Napi::Function::New(env, AxpyJs, "axpy"));
  exports.Set("scaleAdd", Napi::Function::New(env, ScaleAddJs, "scaleAdd"));
  exports.Set("scaleAddBackward", Napi::Function::New(env, ScaleAddBackwardJs, "scaleAddBackward"));
  exports.Set("sumRows", Napi::Function::New(env, SumRowsJs, "sumRows"));
  exports.Set("sumCols", Napi::Function::New(env, SumColsJs, "sumCols"));
  exports.Set("permute", Napi::Function::New(env, PermuteJs, "permute"));
  exports.Set("copyWindow", Napi::Function::New(env, CopyWindowJs, "copyWindow"));
  exports.Set("roll", Napi::Function::New(env, RollJs, "roll"));
  exports.Set("gather", Napi::Function::New(env, GatherJs, "gather"));
  exports.Set("softmax", Napi::Function::New(env, SoftmaxJs, "softmax"));
  exports.Set("softmaxBackward", Napi::Function::New(env, SoftmaxBackwardJs, "softmaxBackward"));
  exports.Set("broadcastBinary", Napi::Function::New(env, BroadcastBinaryJs, "broadcastBinary"));
  exports.Set("reduceSum", Napi::Function::New(env, ReduceSumJs, "reduceSum"));
  exports.Set("adamwStep", Napi::Function::New(env, AdamWStepJs, "adamwStep"));
  exports.Set("sgdStep", Napi::Function::New(env, SgdStepJs, "sgdStep"));
  exports.Set("info", Napi::Function::New(env, InfoJs, "info"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreadsJs, "setThreads"));
  exports.Set("limitSimd", Napi::Function::New(env, LimitSimdJs, "limitSimd"));
  exports.Set("fmaPeak", Napi::Function::New(env, FmaPeakJs, "fmaPeak"));
  exports.Set("alignOffset", Napi::Function::New(env, AlignOffsetJs, "alignOffset"));
  return exports;
}

NODE_API_MODULE(quadra, Init)

}  // namespace quadra::binding
