// NumPy-broadcast arithmetic (native/cpu/broadcast.cc) and the plan it runs on.
#pragma once
#include <cstdint>

#include "quadra/dense.h"
#include "quadra/layout.h"

namespace quadra {

// The broadcast structure reduced to merged axes, outermost first: output dims and each
// operand's stride per axis (0 where it broadcasts). The innermost strides are 0 or 1.
struct BroadcastPlan {
  int ndim;
  int64_t dims[kMaxDims], sa[kMaxDims], sb[kMaxDims];
};

// Checks that a_shape and b_shape (each given with ndim axes, left-padded with 1s) broadcast to
// out_shape, and reduces the structure.
BroadcastPlan PlanBroadcast(int ndim, const int64_t* a_shape, const int64_t* b_shape, const int64_t* out_shape);

// out (out_shape) = a op b with NumPy broadcasting; out must not overlap a or b unless it is
// exactly an operand of out's shape.
void BroadcastBinary(BinaryOp op, int ndim, const int64_t* a_shape, const float* a, const int64_t* b_shape,
                     const float* b, const int64_t* out_shape, float* out);

}  // namespace quadra
