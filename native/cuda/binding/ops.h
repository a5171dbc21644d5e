// Every N-API entry point of quadra_cuda.node (registered in module.cc).
#pragma once
#include <napi.h>

#include "quadra/kernel_names.h"

namespace qc::binding {

#define QC_JS(name) Napi::Value name(const Napi::CallbackInfo& info)
// memory.cc
QC_JS(StatusJs); QC_JS(AllocJs); QC_JS(ReleaseJs); QC_JS(UploadJs); QC_JS(DownloadJs); QC_JS(CopyJs);
QC_JS(FillJs); QC_JS(MemoryJs); QC_JS(ResetPeakJs); QC_JS(EmptyCacheJs); QC_JS(SynchronizeJs);
QC_JS(NcclStatusJs); QC_JS(NcclUniqueIdJs); QC_JS(NcclInitJs); QC_JS(NcclAllReduceJs); QC_JS(NcclBroadcastJs); QC_JS(NcclDestroyJs);
// The kernels: `<Name>Js` in binding/<family>.cc, one per name of quadra/kernel_names.h.
#define QC_DECLARE_JS(name) QC_JS(name##Js);
QUADRA_KERNELS(QC_DECLARE_JS)
#undef QC_DECLARE_JS
#undef QC_JS

}  // namespace qc::binding
