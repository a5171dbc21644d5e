// Status checks for every CUDA runtime and cuBLAS call. A failure becomes a C++ exception that
// the N-API glue turns into a JS Error naming the call; nothing here ever aborts the process.
#pragma once
#include <cuda_runtime_api.h>

#include <stdexcept>
#include <string>

namespace qc {

// A CUDA runtime / cuBLAS / driver failure: JS Error with code QUADRA_CUDA.
class CudaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An invalid argument detected below the glue (sizes too large for a kernel): JS RangeError.
class ArgError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// cuBLAS or another run-time loaded library is missing: JS Error with code QUADRA_CUDA_LIBRARY.
class LibraryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void ThrowCuda(const char* call, cudaError_t e) {
  throw CudaError(std::string(call) + " failed: " + cudaGetErrorString(e) + " (" + cudaGetErrorName(e) + ")");
}

inline void Check(cudaError_t e, const char* call) {
  if (e != cudaSuccess) ThrowCuda(call, e);
}

// After a kernel launch: a bad configuration shows up here; faults inside the kernel show up at
// the next synchronising call (download, synchronize), which names itself.
inline void CheckLaunch(const char* kernel) {
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) ThrowCuda((std::string("launch of ") + kernel).c_str(), e);
}

}  // namespace qc

#define QC_CHECK(call) ::qc::Check((call), #call)
