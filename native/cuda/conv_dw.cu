// Plain depthwise conv (the ConvNeXt baseline) on the same tiling with one weight set:
// forward y = W⊛x + b; backward dx = flip(W)⊛dy, dW = Σ dy ⊗ x-patches, db = Σ dy.
#include "conv_tile.cuh"

namespace qc {

void DwConv2d(const ConvDims& s, const float* x, const float* w, const float* b, float* y, cudaStream_t st) {
  conv::TileArgs a;
  a.in0 = x, a.w0 = w, a.b0 = b, a.out = y;
  a.n = s.n, a.h = s.h, a.w = s.w, a.c = s.c, a.k = s.k;
  conv::Correlate<conv::kSingle>(a, st, "DwConv2d");
}

void DwConv2dGrad(const ConvDims& s, const float* x, const float* w, const float* dy, float* dx, float* dw,
                    float* db, cudaStream_t st) {
  if (dx) {
    conv::TileArgs a;
    a.in0 = dy, a.w0 = w, a.out = dx, a.flip = true;
    a.n = s.n, a.h = s.h, a.w = s.w, a.c = s.c, a.k = s.k;
    conv::Correlate<conv::kSingle>(a, st, "DwConv2dGrad (dx)");
  }
  conv::WGradArgs g;
  g.x = x, g.dy = dy, g.dw0 = dw, g.db0 = db;
  g.n = s.n, g.h = s.h, g.w = s.w, g.c = s.c, g.k = s.k;
  conv::WeightGrad<1>(g, st, "DwConv2dGrad (weights)");
}

}  // namespace qc
