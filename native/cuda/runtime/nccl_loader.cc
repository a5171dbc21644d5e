// NCCL loaded at run time, like cuBLAS (cublas_loader.cc): the CUDA module loads and trains on one
// GPU without it; data-parallel training across GPUs asks for it and gets a clear error if absent.
#include <dlfcn.h>
#include <sys/stat.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "qcuda/check.h"
#include "qcuda/lib_search.h"
#include "qcuda/nccl_api.h"

namespace qc {
namespace {

constexpr const char* kSoname = "libnccl.so.2";

struct Loaded {
  NcclApi api;
  bool ok = false;
  std::string where;
  std::string error;
  int version = 0;
};

Loaded LoadOnce() {
  Loaded L;
  std::vector<std::string> tried;
  void* lib = nullptr;
  auto attempt = [&](const std::string& p) {
    if (lib) return;
    lib = dlopen(p.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib) {
      L.where = p;
    } else {
      const char* e = dlerror();
      tried.push_back(p + " (" + (e ? e : "dlopen failed") + ")");
    }
  };
  if (const char* explicit_path = std::getenv("QUADRA_NCCL_PATH")) {
    std::string p(explicit_path);
    attempt(IsDirectory(p) ? p + "/" + kSoname : p);
  }
  attempt(kSoname);  // LD_LIBRARY_PATH, ld.so.cache (Debian/Ubuntu's libnccl2, NVIDIA's packages)
  if (!lib) {
    for (const std::string& d : LibrarySearchDirs({"/nvidia/nccl/lib"})) {
      std::string p = d + "/" + kSoname;
      struct stat st;
      if (stat(p.c_str(), &st) == 0) attempt(p);
    }
  }
  if (!lib) {
    std::string msg = "NCCL not found: could not load libnccl.so.2. Tried:";
    for (const std::string& t : tried) msg += "\n  - " + t;
    msg += "\n  also searched (no file there): LD_LIBRARY_PATH, $CUDA_HOME/lib64, /usr/local/cuda/lib64 and "
           "site-packages/nvidia/nccl/lib of the usual Python prefixes";
    msg += "\n  fix: pip install nvidia-nccl-cu12 (PyTorch's own), apt-get install libnccl2, or set QUADRA_NCCL_PATH";
    L.error = msg;
    return L;
  }
  std::string why;
  NcclApi& a = L.api;
  if (!Sym(lib, "ncclGetVersion", &a.get_version, &why) || !Sym(lib, "ncclGetUniqueId", &a.get_unique_id, &why) ||
      !Sym(lib, "ncclCommInitRank", &a.comm_init_rank, &why) || !Sym(lib, "ncclCommDestroy", &a.comm_destroy, &why) ||
      !Sym(lib, "ncclCommAbort", &a.comm_abort, &why) ||
      !Sym(lib, "ncclCommGetAsyncError", &a.comm_get_async_error, &why) ||
      !Sym(lib, "ncclGetErrorString", &a.get_error_string, &why) || !Sym(lib, "ncclAllReduce", &a.all_reduce, &why) ||
      !Sym(lib, "ncclBroadcast", &a.broadcast, &why)) {
    L.error = "NCCL at " + L.where + " is unusable: " + why;
    return L;
  }
  if (a.get_version(&L.version) != ncclSuccess) L.version = 0;
  L.ok = true;
  return L;
}

const Loaded& Get() {
  static std::once_flag once;
  static Loaded* loaded = nullptr;
  std::call_once(once, [] { loaded = new Loaded(LoadOnce()); });
  return *loaded;
}

}  // namespace

const NcclApi* Nccl(std::string* why) {
  const Loaded& L = Get();
  if (!L.ok) {
    if (why) *why = L.error;
    return nullptr;
  }
  return &L.api;
}

std::string NcclDescription(bool* ok) {
  const Loaded& L = Get();
  *ok = L.ok;
  if (!L.ok) return L.error;
  int v = L.version;  // 2.x.y is encoded as x*100 + ... since 2.9: major*10000 + minor*100 + patch
  std::string ver = v >= 10000 ? std::to_string(v / 10000) + "." + std::to_string((v / 100) % 100) + "." + std::to_string(v % 100)
                               : std::to_string(v);
  return "NCCL " + ver + " at " + L.where;
}

void NcclCheck(ncclResult_t r, const char* what) {
  if (r == ncclSuccess) return;
  std::string why;
  const NcclApi* a = Nccl(&why);
  std::string msg = std::string(what) + " failed: " + (a ? a->get_error_string(r) : "NCCL error " + std::to_string(r));
  throw LibraryError(msg);
}

}  // namespace qc
