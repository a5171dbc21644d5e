// The packed linear layer for inference: y = act(x w^T + b) + residual with w packed once.
// With oneDNN (x86-64) the weights go into the blocked layout its matmul primitive reads (a
// reorder) and the bias and residual add run in the primitive's epilogue (post-ops); GELU is our
// own kernel over the output after it (faster than oneDNN's gelu_erf post-op); the primitives are
// built once per shape and kept. Measured here
// against dnnl_sgemm on the MLP shapes of QuadraNet-36-T: bench/RESULTS.md, "packed linear".
// Without oneDNN the packed weights are a plain copy and the epilogue runs as separate passes.
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "quadra/dense.h"
#include "quadra/errors.h"

#if QUADRA_GEMM_ONEDNN
#include "oneapi/dnnl/dnnl.hpp"
#include "onednn_call.h"
#include "quadra/signal_guard.h"
#endif

namespace quadra {
namespace {

void CheckDims(const LinearDims& d, const char* what) {
  QUADRA_CHECK_ARG(d.rows >= 1 && d.in >= 1 && d.out >= 1, std::string(what) + ": rows, in and out must be positive");
}

#if !QUADRA_GEMM_ONEDNN
// The epilogue as separate passes over y, on top of Linear (w plain).
void PlainPacked(const LinearDims& d, const float* x, const float* w, const float* bias, LinearAct act,
                 const float* residual, float* y) {
  Linear(d, x, w, bias, y);
  if (act == LinearAct::kGelu) Gelu(d.rows * d.out, y, y);
  if (residual) BinarySame(BinaryOp::kAdd, d.rows * d.out, y, residual, y);
}
#endif

#if QUADRA_GEMM_ONEDNN
namespace dn = dnnl;
using Tag = dn::memory::format_tag;
constexpr auto kF32 = dn::memory::data_type::f32;

dn::engine& Engine() {
  static dn::engine e(dn::engine::kind::cpu, 0);
  return e;
}

dn::stream& Stream() {
  thread_local dn::stream s(Engine());
  return s;
}

struct PrimKey {
  int64_t rows, in, out;
  bool bias, residual;
  bool operator<(const PrimKey& o) const {
    return std::tie(rows, in, out, bias, residual) < std::tie(o.rows, o.in, o.out, o.bias, o.residual);
  }
};

// Built primitives and packed-weight layouts, shared by every JS thread (worker_threads run their
// forwards at the same time): the maps are guarded, and every primitive takes a scratchpad from
// the calling thread (user scratchpad mode; oneDNN's own is one global buffer unless the library
// was built for concurrent execution, and two threads sharing it corrupted each other's results). A model sees a handful of shapes per batch size; past kMaxPrims the
// primitives are dropped and rebuilt on demand (running ones keep their own reference).
constexpr size_t kMaxPrims = 1024;
std::mutex g_mu;
std::map<std::pair<int64_t, int64_t>, dn::memory::desc> g_layouts;
struct Prim {
  dn::matmul matmul;
  dn::memory::desc weights, scratchpad;
};
std::map<PrimKey, Prim> g_prims;

// This thread's scratchpad memory for a primitive that asks for `md`.
dn::memory Scratchpad(const dn::memory::desc& md) {
  thread_local std::vector<uint8_t> buf;
  if (buf.size() < md.get_size()) buf.resize(md.get_size());
  return dn::memory(md, Engine(), buf.data());
}

dn::primitive_attr UserScratchpad() {
  dn::primitive_attr attr;
  attr.set_scratchpad_mode(dn::scratchpad_mode::user);
  return attr;
}

// The layout the matmul primitive picks for [in, out] weights. It does not depend on the number
// of rows (checked for 1..25088 rows on AVX-512 and AVX2), so it is asked once with 64.
dn::memory::desc WeightsLayout(int64_t in, int64_t out) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_layouts.find({in, out});
  if (it != g_layouts.end()) return it->second;
  const dn::memory::desc xd({64, in}, kF32, Tag::ab), wd({in, out}, kF32, Tag::any), yd({64, out}, kF32, Tag::ab);
  const dn::matmul::primitive_desc pd(dn::matmul::desc(xd, wd, yd), Engine());
  return g_layouts.emplace(std::make_pair(in, out), pd.weights_desc()).first->second;
}

Prim Primitive(const PrimKey& k) {
  {
    std::lock_guard<std::mutex> lock(g_mu);
    auto it = g_prims.find(k);
    if (it != g_prims.end()) return it->second;
  }
  const dn::memory::desc wd = WeightsLayout(k.in, k.out);
  const dn::memory::desc xd({k.rows, k.in}, kF32, Tag::ab), yd({k.rows, k.out}, kF32, Tag::ab);
  dn::post_ops po;
  if (k.residual) po.append_binary(dn::algorithm::binary_add, yd);
  dn::primitive_attr attr = UserScratchpad();
  attr.set_post_ops(po);
  const dn::matmul::desc md = k.bias ? dn::matmul::desc(xd, wd, dn::memory::desc({1, k.out}, kF32, Tag::ab), yd)
                                     : dn::matmul::desc(xd, wd, yd);
  const dn::matmul::primitive_desc pd(md, attr, Engine());
  const Prim prim{dn::matmul(pd), wd, pd.scratchpad_desc()};
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_prims.size() >= kMaxPrims) g_prims.clear();
  g_prims.emplace(k, prim);
  return prim;
}

[[noreturn]] void Rethrow(const dn::error& e, const char* what) {
  throw ArgumentError(std::string(what) + ": oneDNN failed (" + e.what() + ", status " + std::to_string(int(e.status)) + ")");
}
#endif

}  // namespace

int64_t LinearPackedLength(const LinearDims& d) {
  CheckDims(d, "linearPackedLength");
#if QUADRA_GEMM_ONEDNN
  try {
    return int64_t((WeightsLayout(d.in, d.out).get_size() + sizeof(float) - 1) / sizeof(float));
  } catch (const dn::error& e) {
    Rethrow(e, "linearPackedLength");
  }
#else
  return d.in * d.out;
#endif
}

void LinearPack(const LinearDims& d, const float* w, float* packed) {
  CheckDims(d, "linearPack");
#if QUADRA_GEMM_ONEDNN
  try {
    // w [out, in] row-major is the [in, out] matrix with strides (1, in): tag ba.
    dn::memory src(dn::memory::desc({d.in, d.out}, kF32, Tag::ba), Engine(), const_cast<float*>(w));
    dn::memory dst(WeightsLayout(d.in, d.out), Engine(), packed);
    const dn::reorder::primitive_desc pd(src, dst, UserScratchpad());
    PrepareOneDnnCall();
    const AsyncSignalsBlocked guard;
    dn::reorder(pd).execute(Stream(), {{DNNL_ARG_FROM, src}, {DNNL_ARG_TO, dst}, {DNNL_ARG_SCRATCHPAD, Scratchpad(pd.scratchpad_desc())}});
    Stream().wait();
  } catch (const dn::error& e) {
    Rethrow(e, "linearPack");
  }
#else
  std::memcpy(packed, w, size_t(d.in * d.out) * sizeof(float));
#endif
}

void LinearPacked(const LinearDims& d, const float* x, const float* packed, const float* bias, LinearAct act,
                  const float* residual, float* y) {
  CheckDims(d, "linearPacked");
#if QUADRA_GEMM_ONEDNN
  // GELU is our own pass over y after the primitive, not oneDNN 2.6's gelu_erf post-op: GEMM +
  // bias then Gelu in place measured 1-13 % faster at every MLP shape from 196 to 25088 rows
  // (bench/RESULTS.md, "Training speed"). A residual then follows the GELU as a pass too.
  const bool gelu_after = act == LinearAct::kGelu;
  const float* res_epilogue = gelu_after ? nullptr : residual;
  try {
    const PrimKey key{d.rows, d.in, d.out, bias != nullptr, res_epilogue != nullptr};
    const Prim prim = Primitive(key);
    auto mem = [](const dn::memory::desc& md, const float* p) { return dn::memory(md, Engine(), const_cast<float*>(p)); };
    std::unordered_map<int, dn::memory> args{
        {DNNL_ARG_SRC, mem(dn::memory::desc({d.rows, d.in}, kF32, Tag::ab), x)},
        {DNNL_ARG_WEIGHTS, mem(prim.weights, packed)},
        {DNNL_ARG_DST, mem(dn::memory::desc({d.rows, d.out}, kF32, Tag::ab), y)}};
    if (bias) args.emplace(DNNL_ARG_BIAS, mem(dn::memory::desc({1, d.out}, kF32, Tag::ab), bias));
    if (res_epilogue) {
      args.emplace(DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, mem(dn::memory::desc({d.rows, d.out}, kF32, Tag::ab), res_epilogue));
    }
    args.emplace(DNNL_ARG_SCRATCHPAD, Scratchpad(prim.scratchpad));
    PrepareOneDnnCall();
    const AsyncSignalsBlocked guard;
    prim.matmul.execute(Stream(), args);
    Stream().wait();
  } catch (const dn::error& e) {
    Rethrow(e, "linearPacked");
  }
  if (gelu_after) {
    Gelu(d.rows * d.out, y, y);
    if (residual) BinarySame(BinaryOp::kAdd, d.rows * d.out, y, residual, y);
  }
#else
  PlainPacked(d, x, packed, bias, act, residual, y);
#endif
}

}  // namespace quadra
