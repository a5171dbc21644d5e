// Public C++ surface of QuadraLib's CPU kernels. Plain pointers, no N-API: the binding checks
// buffer lengths, these functions check the geometry (CheckConvShape) and never abort.
#pragma once
#include <cstdint>

#include "quadra/limits.h"

namespace quadra {

// NHWC activations, stride 1, "same" padding, odd k; depthwise weights laid out [k, k, C].
struct ConvShape {
  int64_t n, h, w, c;
  int k;
  int64_t Elements() const { return n * h * w * c; }
  int64_t WeightElements() const { return int64_t(k) * k * c; }
};

// Three weight sets of the quadratic conv; a null bias means "no bias" (zero).
struct QuadWeights {
  const float *wa, *ba, *wb, *bb, *wc, *bc;
};

// Gradients of the quadratic conv. A null bias gradient is skipped.
struct QuadGrads {
  float *dx, *dwa, *dba, *dwb, *dbb, *dwc, *dbc;
};


// Throws quadra::ArgumentError when the geometry is invalid (sizes, odd k, overflow).
void CheckConvShape(const ConvShape& s);

// y = (Wa*x + ba) . (Wb*x + bb) + (Wc*x + bc) in one pass over x. If save_a/save_b are
// non-null, A = Wa*x + ba and B = Wb*x + bb are written too (for the saved-intermediates backward).
void QuadConv2d(const ConvShape& s, const float* x, const QuadWeights& w, float* y,
                     float* save_a, float* save_b);

// From x and dy: dx and the six weight/bias gradients. With saved_a/saved_b null, A and B are
// recomputed from x; otherwise the saved ones are used.
void QuadConv2dGrad(const ConvShape& s, const float* x, const QuadWeights& w, const float* dy,
                      const float* saved_a, const float* saved_b, const QuadGrads& g);

// Plain depthwise conv (ConvNeXt baseline): y = W*x + b.
void DwConv2d(const ConvShape& s, const float* x, const float* w, const float* b, float* y);
void DwConv2dGrad(const ConvShape& s, const float* x, const float* w, const float* dy, float* dx,
                    float* dw, float* db);

// A dense conv's geometry for its im2col lowering: NHWC input [n, h, w, c], kernel kh x kw,
// output [n, ho, wo]; the patch matrix is [n ho wo, kh kw c] (zero padding).
struct Conv2dGeom {
  int64_t n, h, w, c, kh, kw, stride, pad, ho, wo;
};
void Im2Col(const Conv2dGeom& g, const float* x, float* cols);
// dx = 0, then each patch row is added back at the pixels it was read from.
void Col2Im(const Conv2dGeom& g, const float* cols, float* dx);

// Peak fp32 FMA throughput of this machine with the selected SIMD target on all threads.
double FmaPeakGflops(double seconds);

// Name of the SIMD target the dispatcher picks (e.g. "AVX3", "AVX2", "NEON", "SVE").
const char* SimdTargetName();
// Target of the conv kernels (differs from SimdTargetName() on SVE CPUs: they are NEON there).
const char* ConvSimdTargetName();
// Names of targets compiled into this binary and supported by this CPU, best first.
int SupportedSimdTargets(const char** names, int max_names);
// Restricts dispatch to targets no better than `name` (for tests); "" restores all. Returns false
// when the name is unknown or not supported on this CPU.
bool LimitSimdTarget(const char* name);

int NumThreads();
void SetNumThreads(int n);

}  // namespace quadra
