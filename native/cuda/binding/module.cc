// Module registration. `kernels` carries one function per kernel name (quadra/kernel_names.h)
// with the signatures of @quadranet/lib's KernelSignatures (DeviceArray for buffers).
#include <napi.h>

#include "ops.h"

namespace qc::binding {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto fn = [&](Napi::Object o, const char* name, Napi::Function::Callback cb) {
    o.Set(name, Napi::Function::New(env, cb, name));
  };
  fn(exports, "status", StatusJs);
  fn(exports, "alloc", AllocJs);
  fn(exports, "release", ReleaseJs);
  fn(exports, "upload", UploadJs);
  fn(exports, "download", DownloadJs);
  fn(exports, "copy", CopyJs);
  fn(exports, "fill", FillJs);
  fn(exports, "memory", MemoryJs);
  fn(exports, "resetPeak", ResetPeakJs);
  fn(exports, "emptyCache", EmptyCacheJs);
  fn(exports, "synchronize", SynchronizeJs);
  fn(exports, "ncclStatus", NcclStatusJs);
  fn(exports, "ncclUniqueId", NcclUniqueIdJs);
  fn(exports, "ncclInit", NcclInitJs);
  fn(exports, "ncclAllReduce", NcclAllReduceJs);
  fn(exports, "ncclBroadcast", NcclBroadcastJs);
  fn(exports, "ncclDestroy", NcclDestroyJs);
  Napi::Object k = Napi::Object::New(env);
#define QC_REGISTER(name) fn(k, #name, name##Js);
  QUADRA_KERNELS(QC_REGISTER)
#undef QC_REGISTER
  exports.Set("kernels", k);
  exports.Set("version", Napi::String::New(env, QUADRA_VERSION));
  return exports;
}

NODE_API_MODULE(quadra_cuda, Init)

}  // namespace qc::binding
