// N-API glue for the conv family: QuadConv2d(+Grad), DwConv2d(+Grad), Im2Col, Col2Im.
#include "args.h"
#include "ops.h"

namespace quadra::binding {
namespace {

struct QuadArgs {
  ConvShape s;
  const float* x;
  QuadWeights w;
};

// (x, s, k, w, ...): the arguments both directions of the quadratic conv share.
QuadArgs UnpackQuad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  QuadArgs a{};
  a.s = ShapeArgs(env, info[1], info[2]);
  const int64_t n = a.s.Elements(), wn = a.s.WeightElements(), c = a.s.c;
  a.x = Float32Arg(env, info[0], "x", n);
  Napi::Object w = ObjectArg(env, info[3], "w");
  a.w.wa = Float32Arg(env, w.Get("wa"), "w.wa", wn);
  a.w.ba = Float32Arg(env, w.Get("ba"), "w.ba", c, true);
  a.w.wb = Float32Arg(env, w.Get("wb"), "w.wb", wn);
  a.w.bb = Float32Arg(env, w.Get("bb"), "w.bb", c, true);
  a.w.wc = Float32Arg(env, w.Get("wc"), "w.wc", wn);
  a.w.bc = Float32Arg(env, w.Get("bc"), "w.bc", c, true);
  return a;
}

struct DwArgs {
  ConvShape s;
  const float* x;
  const float* w;
};

// (x, s, k, w, ...): the arguments both directions of the depthwise conv share.
DwArgs UnpackDw(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DwArgs a{};
  a.s = ShapeArgs(env, info[1], info[2]);
  a.x = Float32Arg(env, info[0], "x", a.s.Elements());
  a.w = Float32Arg(env, info[3], "w", a.s.WeightElements());
  return a;
}

// saved: {a, b} | null -> the two buffers (null when absent).
void SavedArgs(Napi::Env env, Napi::Value v, int64_t n, float** sa, float** sb) {
  Napi::Object saved = ObjectArg(env, v, "saved", true);
  if (saved.IsEmpty()) return;
  *sa = Float32Arg(env, saved.Get("a"), "saved.a", n);
  *sb = Float32Arg(env, saved.Get("b"), "saved.b", n);
}

Conv2dGeom GeomArg(Napi::Env env, Napi::Value v) {
  Napi::Object o = ObjectArg(env, v, "g");
  Conv2dGeom g{};
  g.n = PositiveIntArg(env, o.Get("n"), "g.n"), g.h = PositiveIntArg(env, o.Get("h"), "g.h");
  g.w = PositiveIntArg(env, o.Get("w"), "g.w"), g.c = PositiveIntArg(env, o.Get("c"), "g.c");
  g.kh = PositiveIntArg(env, o.Get("kh"), "g.kh"), g.kw = PositiveIntArg(env, o.Get("kw"), "g.kw");
  g.stride = PositiveIntArg(env, o.Get("stride"), "g.stride");
  g.pad = NonNegIntArg(env, o.Get("pad"), "g.pad");
  g.ho = PositiveIntArg(env, o.Get("ho"), "g.ho"), g.wo = PositiveIntArg(env, o.Get("wo"), "g.wo");
  if (g.ho != (g.h + 2 * g.pad - g.kh) / g.stride + 1 || g.h + 2 * g.pad < g.kh) {
    ThrowRange(env, "g.ho: expected (h + 2 pad - kh) / stride + 1 = " +
                        std::to_string((g.h + 2 * g.pad - g.kh) / g.stride + 1) + ", got " + std::to_string(g.ho));
  }
  if (g.wo != (g.w + 2 * g.pad - g.kw) / g.stride + 1 || g.w + 2 * g.pad < g.kw) {
    ThrowRange(env, "g.wo: expected (w + 2 pad - kw) / stride + 1 = " +
                        std::to_string((g.w + 2 * g.pad - g.kw) / g.stride + 1) + ", got " + std::to_string(g.wo));
  }
  return g;
}

// Elements of the image [n, h, w, c] and of the patch matrix [n ho wo, kh kw c].
void GeomSizes(Napi::Env env, const Conv2dGeom& g, int64_t* image, int64_t* patches) {
  int64_t p = 1;
  for (int64_t d : {g.n, g.h, g.w, g.c}) p = CheckedProduct(env, p, d, "g");
  *image = p;
  p = 1;
  for (int64_t d : {g.n, g.ho, g.wo, g.kh, g.kw, g.c}) p = CheckedProduct(env, p, d, "g");
  *patches = p;
}

}  // namespace

// QuadConv2d(x, s, k, w, y, saved: {a, b} | null)
Napi::Value QuadConv2dJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  QuadArgs a = UnpackQuad(info);
  const int64_t n = a.s.Elements();
  float* y = Float32Arg(env, info[4], "y", n);
  CheckNoAlias(env, y, n, "y", a.x, n, "x");
  float* sa = nullptr;
  float* sb = nullptr;
  SavedArgs(env, info[5], n, &sa, &sb);
  CheckNoAlias(env, sa, n, "saved.a", a.x, n, "x");
  CheckNoAlias(env, sb, n, "saved.b", a.x, n, "x");
  RunKernel(env, [&] { QuadConv2d(a.s, a.x, a.w, y, sa, sb); });
  return env.Undefined();
}

// QuadConv2dGrad(x, s, k, w, dy, saved | null, g: {dx, dwa, dba, dwb, dbb, dwc, dbc})
Napi::Value QuadConv2dGradJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  QuadArgs a = UnpackQuad(info);
  const int64_t n = a.s.Elements(), wn = a.s.WeightElements(), c = a.s.c;
  const float* dy = Float32Arg(env, info[4], "dy", n);
  float* sa = nullptr;
  float* sb = nullptr;
  SavedArgs(env, info[5], n, &sa, &sb);
  Napi::Object go = ObjectArg(env, info[6], "g");
  QuadGrads g{};
  g.dx = Float32Arg(env, go.Get("dx"), "g.dx", n, true);
  g.dwa = Float32Arg(env, go.Get("dwa"), "g.dwa", wn);
  g.dwb = Float32Arg(env, go.Get("dwb"), "g.dwb", wn);
  g.dwc = Float32Arg(env, go.Get("dwc"), "g.dwc", wn);
  g.dba = Float32Arg(env, go.Get("dba"), "g.dba", c, true);
  g.dbb = Float32Arg(env, go.Get("dbb"), "g.dbb", c, true);
  g.dbc = Float32Arg(env, go.Get("dbc"), "g.dbc", c, true);
  CheckNoAlias(env, g.dx, n, "g.dx", a.x, n, "x");
  CheckNoAlias(env, g.dx, n, "g.dx", dy, n, "dy");
  RunKernel(env, [&] { QuadConv2dGrad(a.s, a.x, a.w, dy, sa, sb, g); });
  return env.Undefined();
}

// DwConv2d(x, s, k, w, b | null, y)
Napi::Value DwConv2dJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DwArgs a = UnpackDw(info);
  const ConvShape& s = a.s;
  const float *x = a.x, *w = a.w;
  const int64_t n = s.Elements();
  const float* b = Float32Arg(env, info[4], "b", s.c, true);
  float* y = Float32Arg(env, info[5], "y", n);
  CheckNoAlias(env, y, n, "y", x, n, "x");
  RunKernel(env, [&] { DwConv2d(s, x, w, b, y); });
  return env.Undefined();
}

// DwConv2dGrad(x, s, k, w, dy, dx | null, dw, db | null)
Napi::Value DwConv2dGradJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DwArgs a = UnpackDw(info);
  const ConvShape& s = a.s;
  const float *x = a.x, *w = a.w;
  const int64_t n = s.Elements();
  const float* dy = Float32Arg(env, info[4], "dy", n);
  float* dx = Float32Arg(env, info[5], "dx", n, true);
  float* dw = Float32Arg(env, info[6], "dw", s.WeightElements());
  float* db = Float32Arg(env, info[7], "db", s.c, true);
  CheckNoAlias(env, dx, n, "dx", x, n, "x");
  CheckNoAlias(env, dx, n, "dx", dy, n, "dy");
  RunKernel(env, [&] { DwConv2dGrad(s, x, w, dy, dx, dw, db); });
  return env.Undefined();
}

namespace {

// Im2Col (kToPatches: image -> patch matrix) and Col2Im (patch matrix -> image): (src, g, dst).
template <bool kToPatches>
Napi::Value PatchesJs(const Napi::CallbackInfo& info, const char* src_name, const char* dst_name) {
  Napi::Env env = info.Env();
  const Conv2dGeom g = GeomArg(env, info[1]);
  int64_t image, patches;
  GeomSizes(env, g, &image, &patches);
  const int64_t ns = kToPatches ? image : patches, nd = kToPatches ? patches : image;
  const float* src = Float32Arg(env, info[0], src_name, ns);
  float* dst = Float32Arg(env, info[2], dst_name, nd);
  CheckNoAlias(env, dst, nd, dst_name, src, ns, src_name);
  RunKernel(env, [&] {
    if (kToPatches) {
      Im2Col(g, src, dst);
    } else {
      Col2Im(g, src, dst);
    }
  });
  return env.Undefined();
}

}  // namespace

// Im2Col(x, g, cols): NHWC patches to rows of [kh kw c], zero padding.
Napi::Value Im2ColJs(const Napi::CallbackInfo& info) { return PatchesJs<true>(info, "x", "cols"); }

// Col2Im(cols, g, dx): dx = 0, then every patch row is added back at its pixels.
Napi::Value Col2ImJs(const Napi::CallbackInfo& info) { return PatchesJs<false>(info, "cols", "dx"); }

}  // namespace quadra::binding
