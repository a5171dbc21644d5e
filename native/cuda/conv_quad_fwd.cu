// Quadratic depthwise conv forward: y = (Wa⊛x+ba)⊙(Wb⊛x+bb)+(Wc⊛x+bc), x read once per tile,
// optionally saving A and B for the saved-intermediates backward (conv_tile.cuh).
#include "conv_tile.cuh"

namespace qc {

void QuadConv2d(const ConvDims& s, const float* x, const QuadW& w, float* y, float* sa, float* sb,
                     cudaStream_t st) {
  conv::TileArgs a;
  a.in0 = x;
  a.w0 = w.wa, a.w1 = w.wb, a.w2 = w.wc;
  a.b0 = w.ba, a.b1 = w.bb, a.b2 = w.bc;
  a.out = y, a.save_a = sa, a.save_b = sb;
  a.n = s.n, a.h = s.h, a.w = s.w, a.c = s.c, a.k = s.k;
  conv::Correlate<conv::kQuadFwd>(a, st, "QuadConv2d");
}

}  // namespace qc
