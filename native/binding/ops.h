// The module's exported functions, one group per file.
#pragma once
#include <napi.h>

namespace quadra::binding {

Napi::Value QuadConvForwardJs(const Napi::CallbackInfo& info);
Napi::Value QuadConvBackwardJs(const Napi::CallbackInfo& info);
Napi::Value DwConvForwardJs(const Napi::CallbackInfo& info);
Napi::Value DwConvBackwardJs(const Napi::CallbackInfo& info);
Napi::Value InfoJs(const Napi::CallbackInfo& info);
Napi::Value SetThreadsJs(const Napi::CallbackInfo& info);
Napi::Value LimitSimdJs(const Napi::CallbackInfo& info);
Napi::Value FmaPeakJs(const Napi::CallbackInfo& info);
Napi::Value AlignOffsetJs(const Napi::CallbackInfo& info);

}  // namespace quadra::binding
