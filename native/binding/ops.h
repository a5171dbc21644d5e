// Every N-API entry point of quadra.node (registered in module.cc). Kernels are named as in
// @quadranet/lib's KernelSignatures (`<Name>Js`), one op family per file.
#pragma once
#include <napi.h>

namespace quadra::binding {

#define QUADRA_JS(name) Napi::Value name(const Napi::CallbackInfo& info)
// conv.cc
QUADRA_JS(QuadConv2dJs); QUADRA_JS(QuadConv2dGradJs); QUADRA_JS(DwConv2dJs); QUADRA_JS(DwConv2dGradJs);
QUADRA_JS(Im2ColJs); QUADRA_JS(Col2ImJs);
// dense.cc
QUADRA_JS(GemmJs); QUADRA_JS(LinearJs); QUADRA_JS(LinearGradJs); QUADRA_JS(LayerNormJs); QUADRA_JS(LayerNormGradJs);
// elementwise.cc
QUADRA_JS(AxpyJs); QUADRA_JS(ScaleJs); QUADRA_JS(BinaryJs); QUADRA_JS(BroadcastBinaryJs); QUADRA_JS(RowScaleJs);
QUADRA_JS(GeluJs); QUADRA_JS(BiasGeluJs); QUADRA_JS(GeluGradJs); QUADRA_JS(ScaleAddJs); QUADRA_JS(ScaleAddGradJs);
// reduce.cc
QUADRA_JS(ReduceSumJs); QUADRA_JS(SumRowsJs);
// layout.cc
QUADRA_JS(PermuteJs); QUADRA_JS(CopyWindowJs); QUADRA_JS(RollJs); QUADRA_JS(GatherJs);
// softmax.cc
QUADRA_JS(SoftmaxJs); QUADRA_JS(SoftmaxGradJs); QUADRA_JS(CrossEntropyJs); QUADRA_JS(CrossEntropyGradJs);
// optim.cc
QUADRA_JS(AdamWJs); QUADRA_JS(SgdJs);
// info.cc (not kernels: the module's settings and probes)
QUADRA_JS(InfoJs); QUADRA_JS(SetThreadsJs); QUADRA_JS(LimitSimdJs); QUADRA_JS(FmaPeakJs); QUADRA_JS(AlignOffsetJs);
#undef QUADRA_JS

}  // namespace quadra::binding
