// cuBLAS loaded at run time: the module must load (and everything but GEMM work) where cuBLAS is
// absent, and cuBLAS usually lives in the Python environment's nvidia wheels rather than in a
// system folder. Search order: QUADRA_CUBLAS_PATH, the dynamic loader's own search
// (LD_LIBRARY_PATH, ld.so.cache), $CUDA_HOME / $CUDA_PATH / /usr/local/cuda, then nvidia wheels
// found by globbing the usual Python prefixes (no python3 is run).
#include <dlfcn.h>
#include <sys/stat.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "qcuda/check.h"
#include "qcuda/cublas_api.h"
#include "qcuda/device.h"
#include "qcuda/lib_search.h"

namespace qc {
namespace {

const char* const kSonames[] = {"libcublas.so.13", "libcublas.so.12"};

struct Loaded {
  bool ok = false;
  std::string where;   // path or soname that loaded
  std::string error;   // why nothing loaded
  Cublas api;
  int version = 0;
};

// dlopen `path` (and its Lt companion first, from the same folder, so the dependency resolves
// even without an RPATH). Returns the handle or nullptr with *why set.
void* TryOpen(const std::string& path, std::string* why) {
  size_t slash = path.rfind('/');
  // Only for names of the form libcublas<suffix> (QUADRA_CUBLAS_PATH may name any file: a shorter
  // name would make substr throw std::out_of_range out of call_once and through the N-API boundary).
  static const std::string kPrefix = "libcublas";
  if (slash != std::string::npos && path.compare(slash + 1, kPrefix.size(), kPrefix) == 0) {
    std::string base = path.substr(slash + 1);
    std::string lt = path.substr(0, slash + 1) + "libcublasLt" + base.substr(kPrefix.size());
    dlopen(lt.c_str(), RTLD_NOW | RTLD_LOCAL);  // optional: ignore failure, the main dlopen reports
  }
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* e = dlerror();
    *why = e ? e : "dlopen failed";
  }
  return h;
}

const char* StatusName(cublasStatus_t s) {
  switch (s) {
    case CUBLAS_STATUS_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
    case CUBLAS_STATUS_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case CUBLAS_STATUS_MAPPING_ERROR: return "CUBLAS_STATUS_MAPPING_ERROR";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case CUBLAS_STATUS_LICENSE_ERROR: return "CUBLAS_STATUS_LICENSE_ERROR";
  }
  return "unknown cuBLAS status";
}

Loaded LoadOnce() {
  Loaded L;
  std::vector<std::string> tried;
  void* lib = nullptr;
  std::string why;
  auto attempt = [&](const std::string& p) {
    if (lib) return;
    lib = TryOpen(p, &why);
    if (lib) L.where = p;
    else tried.push_back(p + " (" + why + ")");
  };
  if (const char* explicit_path = std::getenv("QUADRA_CUBLAS_PATH")) {
    std::string p(explicit_path);
    if (IsDirectory(p)) {
      for (const char* so : kSonames) attempt(p + "/" + so);
    } else {
      attempt(p);
    }
  }
  for (const char* so : kSonames) attempt(so);  // LD_LIBRARY_PATH, ld.so.cache, RUNPATH
  if (!lib) {
    // nvidia-cublas-cu12 installs nvidia/cublas/lib; the CUDA 13 wheels use nvidia/cu13/lib.
    for (const std::string& d : LibrarySearchDirs({"/nvidia/cu13/lib", "/nvidia/cublas/lib", "/nvidia/cu12/lib"})) {
      for (const char* so : kSonames) {
        std::string p = d + "/" + so;
        struct stat st;
        if (stat(p.c_str(), &st) == 0) attempt(p);
      }
    }
  }
  if (!lib) {
    std::string msg = "cuBLAS not found: could not load libcublas.so.13 or libcublas.so.12. Tried:";
    for (const std::string& t : tried) msg += "\n  - " + t;
    msg += "\n  also searched (no file there): LD_LIBRARY_PATH, $CUDA_HOME/lib64, $CUDA_PATH/lib64, "
           "/usr/local/cuda/lib64, and site-packages/nvidia/{cu13,cublas,cu12}/lib under /usr/lib/python3*, "
           "/usr/local/lib/python3*, /opt/*/.venv, /opt/conda, $VIRTUAL_ENV, $CONDA_PREFIX, $HOME/.local";
    msg += "\n  fix: pip install nvidia-cublas (or nvidia-cublas-cu12), or set QUADRA_CUBLAS_PATH to the file or its folder";
    L.error = msg;
    return L;
  }
  cublasCreate_v2_t create;
  cublasSetStream_v2_t set_stream;
  cublasSetMathMode_t set_math;
  cublasGetVersion_v2_t get_version;
  cublasDestroy_v2_t destroy;
  if (!Sym(lib, "cublasCreate_v2", &create, &why) || !Sym(lib, "cublasDestroy_v2", &destroy, &why) ||
      !Sym(lib, "cublasSetStream_v2", &set_stream, &why) || !Sym(lib, "cublasSetMathMode", &set_math, &why) ||
      !Sym(lib, "cublasGetVersion_v2", &get_version, &why) || !Sym(lib, "cublasSgemm_v2", &L.api.sgemm, &why) ||
      !Sym(lib, "cublasSgemmStridedBatched", &L.api.sgemm_strided_batched, &why)) {
    L.error = "cuBLAS at " + L.where + " is unusable: " + why;
    return L;
  }
  if (!Status().available) {
    L.error = "cuBLAS found at " + L.where + " but " + Status().reason;
    return L;
  }
  cublasStatus_t s = create(&L.api.handle);
  if (s != CUBLAS_STATUS_SUCCESS) {
    L.error = std::string("cublasCreate_v2 failed: ") + StatusName(s) + " (library " + L.where + ")";
    return L;
  }
  // Plain fp32 (no TF32): results must match the CPU kernels to fp32 rounding.
  if ((s = set_stream(L.api.handle, Stream())) != CUBLAS_STATUS_SUCCESS ||
      (s = set_math(L.api.handle, CUBLAS_DEFAULT_MATH)) != CUBLAS_STATUS_SUCCESS) {
    L.error = std::string("cublasSetStream_v2/cublasSetMathMode failed: ") + StatusName(s);
    destroy(L.api.handle);
    L.api.handle = nullptr;
    return L;
  }
  get_version(L.api.handle, &L.version);
  L.ok = true;
  return L;
}

const Loaded& State() {
  static Loaded* loaded = nullptr;
  static std::once_flag once;
  std::call_once(once, [] { loaded = new Loaded(LoadOnce()); });
  return *loaded;
}

}  // namespace

const Cublas& GetCublas() {
  RequireDevice();
  const Loaded& L = State();
  if (!L.ok) throw LibraryError(L.error);
  return L.api;
}

std::string CublasDescription(bool* ok) {
  const Loaded& L = State();
  *ok = L.ok;
  if (!L.ok) return L.error;
  return L.where + " (version " + std::to_string(L.version) + ")";
}

void CheckCublas(int status, const char* call) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    throw CudaError(std::string(call) + " failed: " + StatusName(cublasStatus_t(status)));
  }
}

}  // namespace qc
