// Every N-API entry point of quadra.node (registered in module.cc). Kernel `<Name>` is
// `<Name>Js` in native/binding/<family>.cc (the families: CONTRIBUTING.md).
#pragma once
#include <napi.h>

#include "quadra/kernel_names.h"

namespace quadra::binding {

#define QUADRA_DECLARE_JS(name) Napi::Value name##Js(const Napi::CallbackInfo& info);
QUADRA_KERNELS(QUADRA_DECLARE_JS)
// info.cc: the module's settings and probes (not kernels).
QUADRA_DECLARE_JS(Info) QUADRA_DECLARE_JS(SetThreads) QUADRA_DECLARE_JS(LimitSimd) QUADRA_DECLARE_JS(SetGemmSplit) QUADRA_DECLARE_JS(FmaPeak)
QUADRA_DECLARE_JS(AlignOffset)
#undef QUADRA_DECLARE_JS

}  // namespace quadra::binding
