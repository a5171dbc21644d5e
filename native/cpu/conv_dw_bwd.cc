// Plain depthwise conv, backward: dx, dW, db from x and dy (one gradient map).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "conv_dw_bwd.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "conv_grad-inl.h"

HWY_BEFORE_NAMESPACE();
namespace quadra {
namespace HWY_NAMESPACE {

void DwConvBackwardImpl(const ConvShape& s, const float* x, const float* w, const float* dy,
                        float* dx, float* dw, float* db) {
  const Geom g(s);
  const float* maps[1] = {dy};
  const float* wts[1] = {w};
  float* dws[1] = {dw};
  float* dbs[1] = {db};
  ConvGradPass<1, /*Blocked=*/false>(s, wts, dx, dws, dbs, [](bool, int64_t, int64_t) {},
      [&](auto d, int64_t c0, int64_t n, int64_t h, GradRows<1>& rows) HWY_ATTR {
        NhwcRows<1>(d, g, x, maps, n, h, c0, rows);
      });
}

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace quadra {

HWY_EXPORT(DwConvBackwardImpl);

void DwConv2dGrad(const ConvShape& s, const float* x, const float* w, const float* dy, float* dx,
                    float* dw, float* db) {
  CheckConvShape(s);
  HWY_DYNAMIC_DISPATCH(DwConvBackwardImpl)(s, x, w, dy, dx, dw, db);
}

}  // namespace quadra
#endif  // HWY_ONCE
