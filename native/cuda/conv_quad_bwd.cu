// Quadratic depthwise conv backward. With gA = dy⊙B, gB = dy⊙A, gC = dy:
//   dx = flip(Wa)⊛gA + flip(Wb)⊛gB + flip(Wc)⊛gC    (one tiled pass, g's formed in shared memory)
//   dW* = Σ g* ⊗ x-patches, db* = Σ g*               (one tiled pass with per-block reduction)
// Without saved A and B they are recomputed first into two scratch blocks of the caching
// allocator (returned at the end of the call; the stream orders their reuse).
#include <memory>

#include "conv_tile.cuh"

namespace qc {

void QuadConv2dGrad(const ConvDims& s, const float* x, const QuadW& w, const float* dy, const float* sa,
                      const float* sb, const QuadG& g, cudaStream_t st) {
  const int64_t n = s.Elements();
  std::unique_ptr<Scratch> ta, tb;
  if (!sa || !sb) {
    ta = std::make_unique<Scratch>(size_t(n) * sizeof(float));
    tb = std::make_unique<Scratch>(size_t(n) * sizeof(float));
    conv::TileArgs f;
    f.in0 = x;
    f.w0 = w.wa, f.w1 = w.wb, f.w2 = w.wc;
    f.b0 = w.ba, f.b1 = w.bb, f.b2 = w.bc;
    f.out = nullptr, f.save_a = ta->as<float>(), f.save_b = tb->as<float>();
    f.n = s.n, f.h = s.h, f.w = s.w, f.c = s.c, f.k = s.k;
    conv::Correlate<conv::kQuadFwd>(f, st, "QuadConv2dGrad (recompute A, B)");
    sa = ta->as<float>();
    sb = tb->as<float>();
  }
  if (g.dx) {
    conv::TileArgs d;
    d.in0 = dy, d.in1 = sa, d.in2 = sb;
    d.w0 = w.wa, d.w1 = w.wb, d.w2 = w.wc;
    d.out = g.dx;
    d.flip = true;
    d.n = s.n, d.h = s.h, d.w = s.w, d.c = s.c, d.k = s.k;
    conv::Correlate<conv::kQuadDx>(d, st, "QuadConv2dGrad (dx)");
  }
  conv::WGradArgs wg;
  wg.x = x, wg.dy = dy, wg.A = sa, wg.B = sb;
  wg.dw0 = g.dwa, wg.dw1 = g.dwb, wg.dw2 = g.dwc;
  wg.db0 = g.dba, wg.db1 = g.dbb, wg.db2 = g.dbc;
  wg.n = s.n, wg.h = s.h, wg.w = s.w, wg.c = s.c, wg.k = s.k;
  conv::WeightGrad<3>(wg, st, "QuadConv2dGrad (weights)");
}

}  // namespace qc
