// The kernel names of @quadranet/lib's KernelSignatures (kernel-table.ts), once for C++. Both
// Node-API modules declare their `<Name>Js` entry points and fill their exported `kernels` object
// from this list; lib's tests check that each module's `kernels` holds exactly KERNEL_NAMES.
// No N-API here: X is applied to each bare name.
#pragma once

#define QUADRA_KERNELS(X)                                                                          \
  X(Axpy) X(Scale) X(Binary) X(BroadcastBinary) X(RowScale) X(ReduceSum) X(SumRows) X(Gemm)      \
  X(Linear) X(LinearGrad) X(LinearPackedLength) X(LinearPack) X(LinearPacked) X(LayerNorm) X(LayerNormGrad) X(Gelu) X(BiasGelu) X(GeluGrad) X(BiasGeluGrad)          \
  X(ScaleAdd) X(ScaleAddGrad) X(QuadConv2d) X(QuadConv2dGrad) X(DwConv2d) X(DwConv2dGrad)        \
  X(Im2Col) X(Col2Im) X(Permute) X(CopyWindow) X(Roll) X(Gather) X(Softmax) X(SoftmaxGrad)       \
  X(CrossEntropy) X(CrossEntropyGrad) X(AdamW) X(Sgd)
