// The module's exported functions, one group per file.
#pragma once
#include <napi.h>

namespace quadra::binding {

Napi::Value QuadConvForwardJs(const Napi::CallbackInfo& info);
Napi::Value QuadConvBackwardJs(const Napi::CallbackInfo& info);
Napi::Value DwConvForwardJs(const Napi::CallbackInfo& info);
Napi::Value DwConvBackwardJs(const Napi::CallbackInfo& info);
Napi::Value GemmJs(const Napi::CallbackInfo& info);
Napi::Value LinearJs(const Napi::CallbackInfo& info);
Napi::Value LinearBackwardJs(const Napi::CallbackInfo& info);
Napi::Value LayerNormJs(const Napi::CallbackInfo& info);
Napi::Value LayerNormBackwardJs(const Napi::CallbackInfo& info);
Napi::Value GeluJs(const Napi::CallbackInfo& info);
Napi::Value GeluBackwardJs(const Napi::CallbackInfo& info);
Napi::Value BiasGeluJs(const Napi::CallbackInfo& info);
Napi::Value BinaryJs(const Napi::CallbackInfo& info);
Napi::Value ScaleJs(const Napi::CallbackInfo& info);
Napi::Value AxpyJs(const Napi::CallbackInfo& info);
Napi::Value ScaleAddJs(const Napi::CallbackInfo& info);
Napi::Value ScaleAddBackwardJs(const Napi::CallbackInfo& info);
Napi::Value SumRowsJs(const Napi::CallbackInfo& info);
Napi::Value SumColsJs(const Napi::CallbackInfo& info);
Napi::Value PermuteJs(const Napi::CallbackInfo& info);
Napi::Value CopyWindowJs(const Napi::CallbackInfo& info);
Napi::Value RollJs(const Napi::CallbackInfo& info);
Napi::Value GatherJs(const Napi::CallbackInfo& info);
Napi::Value SoftmaxJs(const Napi::CallbackInfo& info);
Napi::Value SoftmaxBackwardJs(const Napi::CallbackInfo& info);
Napi::Value BroadcastBinaryJs(const Napi::CallbackInfo& info);
Napi::Value ReduceSumJs(const Napi::CallbackInfo& info);
Napi::Value AdamWStepJs(const Napi::CallbackInfo& info);
Napi::Value SgdStepJs(const Napi::CallbackInfo& info);
Napi::Value InfoJs(const Napi::CallbackInfo& info);
Napi::Value SetThreadsJs(const Napi::CallbackInfo& info);
Napi::Value LimitSimdJs(const Napi::CallbackInfo& info);
Napi::Value FmaPeakJs(const Napi::CallbackInfo& info);
Napi::Value AlignOffsetJs(const Napi::CallbackInfo& info);

}  // namespace quadra::binding
