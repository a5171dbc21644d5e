// Limits both native modules share (the CPU kernels, the CUDA kernels and their bindings).
#pragma once

namespace quadra {

// The largest (odd) depthwise kernel size the conv kernels take.
constexpr int kMaxKernel = 31;

}  // namespace quadra
