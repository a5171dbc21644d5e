// NCCL collectives on device arrays, for data-parallel training across GPUs: ncclStatus,
// ncclUniqueId, ncclInit, ncclAllReduce, ncclBroadcast, ncclDestroy. The ranks exchange the unique
// id over the CPU process group (Gloo) first, as PyTorch's NCCL group does over its store. The ops
// are queued on the module's stream, in order with the kernels; synchronize() waits for them.
#include <cstring>

#include "args.h"
#include "ops.h"
#include "qcuda/device.h"
#include "qcuda/nccl_api.h"

namespace qc::binding {
namespace {

struct Comm {
  ncclComm_t comm = nullptr;
  int rank = 0;
  int size = 1;
};

const NcclApi& ApiOrThrow(Napi::Env env) {
  std::string why;
  const NcclApi* a = Nccl(&why);
  if (!a) ThrowError(env, why, "QUADRA_CUDA_LIBRARY");
  return *a;
}

Comm* CommArg(Napi::Env env, Napi::Value v) {
  if (!v.IsExternal()) ThrowType(env, "comm: expected the communicator ncclInit returned");
  Comm* c = v.As<Napi::External<Comm>>().Data();
  if (!c->comm) ThrowError(env, "comm: the communicator was destroyed", "QUADRA_DIST");
  return c;
}

}  // namespace

Napi::Value NcclStatusJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool ok = false;
  std::string desc = NcclDescription(&ok);
  Napi::Object o = Napi::Object::New(env);
  o.Set("available", Napi::Boolean::New(env, ok));
  o.Set("reason", Napi::String::New(env, desc));
  return o;
}

// ncclUniqueId() -> Uint8Array(128), made on the rank that hands it to the others
Napi::Value NcclUniqueIdJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const NcclApi& a = ApiOrThrow(env);
  ncclUniqueId id;
  Run(env, [&] { NcclCheck(a.get_unique_id(&id), "ncclGetUniqueId"); });
  Napi::Uint8Array out = Napi::Uint8Array::New(env, QC_NCCL_UNIQUE_ID_BYTES);
  std::memcpy(out.Data(), id.internal, QC_NCCL_UNIQUE_ID_BYTES);
  return out;
}

// ncclInit(id, rank, size) -> comm; blocks until every rank has called it
Napi::Value NcclInitJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const NcclApi& a = ApiOrThrow(env);
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
      info[0].As<Napi::Uint8Array>().ElementLength() != QC_NCCL_UNIQUE_ID_BYTES) {
    ThrowType(env, "id: expected the 128-byte Uint8Array of ncclUniqueId()");
  }
  const int64_t size = IntArg(env, info[2], "size", 1);
  const int64_t rank = IntArg(env, info[1], "rank", 0);
  if (rank >= size) ThrowRange(env, "rank: expected a rank in [0, " + std::to_string(size) + "), got " + std::to_string(rank));
  StreamOrThrow(env);  // the device must be usable first
  ncclUniqueId id;
  std::memcpy(id.internal, info[0].As<Napi::Uint8Array>().Data(), QC_NCCL_UNIQUE_ID_BYTES);
  auto* c = new Comm{nullptr, static_cast<int>(rank), static_cast<int>(size)};
  ncclResult_t r = a.comm_init_rank(&c->comm, static_cast<int>(size), id, static_cast<int>(rank));
  if (r != ncclSuccess) {
    delete c;
    ThrowError(env, std::string("ncclCommInitRank failed: ") + a.get_error_string(r), "QUADRA_DIST");
  }
  return Napi::External<Comm>::New(env, c, [](Napi::Env, Comm* p) {
    std::string why;
    if (p->comm) {
      if (const NcclApi* api = Nccl(&why)) api->comm_destroy(p->comm);
    }
    delete p;
  });
}

// ncclAllReduce(comm, x): x summed across the ranks in place, queued on the stream
Napi::Value NcclAllReduceJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const NcclApi& a = ApiOrThrow(env);
  Comm* c = CommArg(env, info[0]);
  View x = DevArg(env, info[1], "x");
  cudaStream_t s = StreamOrThrow(env);
  Run(env, [&] { NcclCheck(a.all_reduce(x.p, x.p, static_cast<size_t>(x.n), ncclFloat32, ncclSum, c->comm, s), "ncclAllReduce"); });
  return env.Undefined();
}

// ncclBroadcast(comm, x, root): every rank's x becomes root's, queued on the stream
Napi::Value NcclBroadcastJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const NcclApi& a = ApiOrThrow(env);
  Comm* c = CommArg(env, info[0]);
  View x = DevArg(env, info[1], "x");
  const int64_t root = IntArg(env, info[2], "root", 0);
  if (root >= c->size) ThrowRange(env, "root: expected a rank in [0, " + std::to_string(c->size) + "), got " + std::to_string(root));
  cudaStream_t s = StreamOrThrow(env);
  Run(env, [&] { NcclCheck(a.broadcast(x.p, x.p, static_cast<size_t>(x.n), ncclFloat32, static_cast<int>(root), c->comm, s), "ncclBroadcast"); });
  return env.Undefined();
}

// ncclDestroy(comm): idempotent
Napi::Value NcclDestroyJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsExternal()) ThrowType(env, "comm: expected the communicator ncclInit returned");
  Comm* c = info[0].As<Napi::External<Comm>>().Data();
  if (c->comm) {
    const NcclApi& a = ApiOrThrow(env);
    a.comm_destroy(c->comm);
    c->comm = nullptr;
  }
  return env.Undefined();
}

}  // namespace qc::binding
