// Every N-API entry point of quadra_cuda.node (registered in module.cc).
#pragma once
#include <napi.h>

namespace qc::binding {

#define QC_JS(name) Napi::Value name(const Napi::CallbackInfo& info)
// memory.cc
QC_JS(StatusJs); QC_JS(AllocJs); QC_JS(ReleaseJs); QC_JS(UploadJs); QC_JS(DownloadJs); QC_JS(CopyJs);
QC_JS(FillJs); QC_JS(MemoryJs); QC_JS(ResetPeakJs); QC_JS(EmptyCacheJs); QC_JS(SynchronizeJs);
// elementwise.cc
QC_JS(AxpyJs); QC_JS(ScaleJs); QC_JS(BinaryJs); QC_JS(BroadcastBinaryJs); QC_JS(RowScaleJs); QC_JS(GeluJs);
QC_JS(BiasGeluJs); QC_JS(GeluGradJs); QC_JS(ScaleAddJs); QC_JS(ScaleAddGradJs);
// reduce.cc
QC_JS(ReduceSumJs); QC_JS(SumRowsJs);
// dense.cc
QC_JS(GemmJs); QC_JS(LinearJs); QC_JS(LinearGradJs); QC_JS(LayerNormJs); QC_JS(LayerNormGradJs);
// conv.cc
QC_JS(QuadConv2dJs); QC_JS(QuadConv2dGradJs); QC_JS(DwConv2dJs); QC_JS(DwConv2dGradJs); QC_JS(Im2ColJs);
QC_JS(Col2ImJs);
// layout.cc
QC_JS(PermuteJs); QC_JS(CopyWindowJs); QC_JS(RollJs); QC_JS(GatherJs);
// softmax.cc
QC_JS(SoftmaxJs); QC_JS(SoftmaxGradJs); QC_JS(CrossEntropyJs); QC_JS(CrossEntropyGradJs);
// optim.cc
QC_JS(AdamWJs); QC_JS(SgdJs);
#undef QC_JS

}  // namespace qc::binding
