// Glue for the convolutions: QuadConv2d(+Grad), DwConv2d(+Grad), Im2Col, Col2Im.
#include "args.h"
#include "ops.h"

namespace qc::binding {
namespace {

struct QuadIn {
  ConvDims s;
  int64_t n, wn;
  View x, wa, ba, wb, bb, wc, bc;
  QuadW W() const { return QuadW{wa.p, ba.p, wb.p, bb.p, wc.p, bc.p}; }
};

QuadIn UnpackQuad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  QuadIn q;
  q.s = ConvArg(env, info[1], info[2]);
  q.n = q.s.Elements();
  q.wn = int64_t(q.s.k) * q.s.k * q.s.c;
  q.x = DevArg(env, info[0], "x", q.n);
  Napi::Object w = ObjectArg(env, info[3], "w");
  q.wa = DevArg(env, w.Get("wa"), "w.wa", q.wn);
  q.ba = DevArg(env, w.Get("ba"), "w.ba", q.s.c, true);
  q.wb = DevArg(env, w.Get("wb"), "w.wb", q.wn);
  q.bb = DevArg(env, w.Get("bb"), "w.bb", q.s.c, true);
  q.wc = DevArg(env, w.Get("wc"), "w.wc", q.wn);
  q.bc = DevArg(env, w.Get("bc"), "w.bc", q.s.c, true);
  return q;
}

void NoAliasInputs(Napi::Env env, const View& out, const std::string& name, const QuadIn& q) {
  NoAlias(env, out, name, q.x, "x");
  NoAlias(env, out, name, q.wa, "w.wa");
  NoAlias(env, out, name, q.wb, "w.wb");
  NoAlias(env, out, name, q.wc, "w.wc");
  NoAlias(env, out, name, q.ba, "w.ba");
  NoAlias(env, out, name, q.bb, "w.bb");
  NoAlias(env, out, name, q.bc, "w.bc");
}

Conv2dGeom GeomArg(Napi::Env env, Napi::Value v) {
  Napi::Object o = ObjectArg(env, v, "g");
  Conv2dGeom g{};
  g.n = IntArg(env, o.Get("n"), "g.n", 0), g.h = IntArg(env, o.Get("h"), "g.h", 0);
  g.w = IntArg(env, o.Get("w"), "g.w", 0), g.c = IntArg(env, o.Get("c"), "g.c", 0);
  g.kh = IntArg(env, o.Get("kh"), "g.kh", 1), g.kw = IntArg(env, o.Get("kw"), "g.kw", 1);
  g.stride = IntArg(env, o.Get("stride"), "g.stride", 1), g.pad = IntArg(env, o.Get("pad"), "g.pad", 0);
  g.ho = IntArg(env, o.Get("ho"), "g.ho", 0), g.wo = IntArg(env, o.Get("wo"), "g.wo", 0);
  return g;
}

int64_t Product(Napi::Env env, std::initializer_list<int64_t> v, const char* what) {
  int64_t p = 1;
  for (int64_t d : v) p = CheckedProduct(env, p, d, what);
  return p;
}

}  // namespace

// QuadConv2d(x, s, k, w, y, saved: {a, b} | null)
Napi::Value QuadConv2dJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  QuadIn q = UnpackQuad(info);
  View y = DevArg(env, info[4], "y", q.n);
  NoAliasInputs(env, y, "y", q);
  View sa, sb;
  if (!info[5].IsUndefined() && !info[5].IsNull()) {
    Napi::Object saved = ObjectArg(env, info[5], "saved");
    sa = DevArg(env, saved.Get("a"), "saved.a", q.n);
    sb = DevArg(env, saved.Get("b"), "saved.b", q.n);
    NoAliasInputs(env, sa, "saved.a", q);
    NoAliasInputs(env, sb, "saved.b", q);
    NoAlias(env, sa, "saved.a", y, "y");
    NoAlias(env, sb, "saved.b", y, "y");
    NoAlias(env, sa, "saved.a", sb, "saved.b");
  }
  RunOnStream(env, [&](cudaStream_t st) { QuadConv2d(q.s, q.x.p, q.W(), y.p, sa.p, sb.p, st); });
  return env.Undefined();
}

// QuadConv2dGrad(x, s, k, w, dy, saved | null, g: {dx, dwa, dba, dwb, dbb, dwc, dbc})
Napi::Value QuadConv2dGradJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  QuadIn q = UnpackQuad(info);
  View dy = DevArg(env, info[4], "dy", q.n);
  View sa, sb;
  if (!info[5].IsUndefined() && !info[5].IsNull()) {
    Napi::Object saved = ObjectArg(env, info[5], "saved");
    sa = DevArg(env, saved.Get("a"), "saved.a", q.n);
    sb = DevArg(env, saved.Get("b"), "saved.b", q.n);
  }
  Napi::Object go = ObjectArg(env, info[6], "g");
  View dx = DevArg(env, go.Get("dx"), "g.dx", q.n, true);
  View dwa = DevArg(env, go.Get("dwa"), "g.dwa", q.wn), dwb = DevArg(env, go.Get("dwb"), "g.dwb", q.wn);
  View dwc = DevArg(env, go.Get("dwc"), "g.dwc", q.wn);
  View dba = DevArg(env, go.Get("dba"), "g.dba", q.s.c, true), dbb = DevArg(env, go.Get("dbb"), "g.dbb", q.s.c, true);
  View dbc = DevArg(env, go.Get("dbc"), "g.dbc", q.s.c, true);
  const View* outs[] = {&dx, &dwa, &dba, &dwb, &dbb, &dwc, &dbc};
  const char* names[] = {"g.dx", "g.dwa", "g.dba", "g.dwb", "g.dbb", "g.dwc", "g.dbc"};
  for (int i = 0; i < 7; ++i) {
    NoAliasInputs(env, *outs[i], names[i], q);
    NoAlias(env, *outs[i], names[i], dy, "dy");
    NoAlias(env, *outs[i], names[i], sa, "saved.a");
    NoAlias(env, *outs[i], names[i], sb, "saved.b");
    for (int j = 0; j < i; ++j) NoAlias(env, *outs[i], names[i], *outs[j], names[j]);
  }
  QuadG g{dx.p, dwa.p, dba.p, dwb.p, dbb.p, dwc.p, dbc.p};
  RunOnStream(env, [&](cudaStream_t st) { QuadConv2dGrad(q.s, q.x.p, q.W(), dy.p, sa.p, sb.p, g, st); });
  return env.Undefined();
}

// DwConv2d(x, s, k, w, b | null, y)
Napi::Value DwConv2dJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ConvDims s = ConvArg(env, info[1], info[2]);
  const int64_t n = s.Elements(), wn = int64_t(s.k) * s.k * s.c;
  View x = DevArg(env, info[0], "x", n);
  View w = DevArg(env, info[3], "w", wn);
  View b = DevArg(env, info[4], "b", s.c, true);
  View y = DevArg(env, info[5], "y", n);
  NoAlias(env, y, "y", x, "x");
  NoAlias(env, y, "y", w, "w");
  NoAlias(env, y, "y", b, "b");
  RunOnStream(env, [&](cudaStream_t st) { DwConv2d(s, x.p, w.p, b.p, y.p, st); });
  return env.Undefined();
}

// DwConv2dGrad(x, s, k, w, dy, dx, dw, db)
Napi::Value DwConv2dGradJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ConvDims s = ConvArg(env, info[1], info[2]);
  const int64_t n = s.Elements(), wn = int64_t(s.k) * s.k * s.c;
  View x = DevArg(env, info[0], "x", n);
  View w = DevArg(env, info[3], "w", wn);
  View dy = DevArg(env, info[4], "dy", n);
  View dx = DevArg(env, info[5], "dx", n, true);
  View dw = DevArg(env, info[6], "dw", wn);
  View db = DevArg(env, info[7], "db", s.c, true);
  const View* outs[] = {&dx, &dw, &db};
  const char* names[] = {"dx", "dw", "db"};
  for (int i = 0; i < 3; ++i) {
    NoAlias(env, *outs[i], names[i], x, "x");
    NoAlias(env, *outs[i], names[i], w, "w");
    NoAlias(env, *outs[i], names[i], dy, "dy");
    for (int j = 0; j < i; ++j) NoAlias(env, *outs[i], names[i], *outs[j], names[j]);
  }
  RunOnStream(env, [&](cudaStream_t st) { DwConv2dGrad(s, x.p, w.p, dy.p, dx.p, dw.p, db.p, st); });
  return env.Undefined();
}

// Im2Col(x, g, cols)
Napi::Value Im2ColJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Conv2dGeom g = GeomArg(env, info[1]);
  View x = DevArg(env, info[0], "x", Product(env, {g.n, g.h, g.w, g.c}, "g"));
  View cols = DevArg(env, info[2], "cols", Product(env, {g.n, g.ho, g.wo, g.kh, g.kw, g.c}, "g"));
  NoAlias(env, cols, "cols", x, "x");
  RunOnStream(env, [&](cudaStream_t st) { Im2Col(x.p, g, cols.p, st); });
  return env.Undefined();
}

// Col2Im(cols, g, dx): dx is overwritten (zero where no patch reads it)
Napi::Value Col2ImJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Conv2dGeom g = GeomArg(env, info[1]);
  View cols = DevArg(env, info[0], "cols", Product(env, {g.n, g.ho, g.wo, g.kh, g.kw, g.c}, "g"));
  View dx = DevArg(env, info[2], "dx", Product(env, {g.n, g.h, g.w, g.c}, "g"));
  NoAlias(env, dx, "dx", cols, "cols");
  RunOnStream(env, [&](cudaStream_t st) { Col2Im(cols.p, g, dx.p, st); });
  return env.Undefined();
}

}  // namespace qc::binding
