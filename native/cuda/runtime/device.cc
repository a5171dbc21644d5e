// Device probing and the one stream per device.
#include "qcuda/device.h"

#include <cstdlib>
#include <mutex>

#include "qcuda/check.h"

namespace qc {
namespace {

struct Context {
  DeviceStatus status;
  cudaStream_t stream = nullptr;
};

Context& Ctx() {
  static Context ctx;
  static std::once_flag once;
  std::call_once(once, [] {
    DeviceStatus& s = ctx.status;
    cudaRuntimeGetVersion(&s.runtime_version);
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
      s.reason = std::string("CUDA unavailable: ") + cudaGetErrorString(e);
      cudaGetLastError();  // clear the sticky-free error so later calls report their own
      return;
    }
    if (count == 0) {
      s.reason = "CUDA unavailable: no CUDA device found";
      return;
    }
    cudaDriverGetVersion(&s.driver_version);
    int dev = 0;
    if (const char* env = std::getenv("QUADRA_CUDA_DEVICE")) dev = std::atoi(env);
    if (dev < 0 || dev >= count) {
      s.reason = "CUDA unavailable: QUADRA_CUDA_DEVICE=" + std::to_string(dev) + " but " +
                 std::to_string(count) + " device(s) present";
      return;
    }
    cudaDeviceProp p{};
    if ((e = cudaSetDevice(dev)) != cudaSuccess || (e = cudaGetDeviceProperties(&p, dev)) != cudaSuccess) {
      s.reason = std::string("CUDA unavailable: ") + cudaGetErrorString(e);
      return;
    }
    if (p.major < 8) {
      s.reason = "CUDA unavailable: " + std::string(p.name) + " has compute capability " + std::to_string(p.major) +
                 "." + std::to_string(p.minor) + "; this module is built for 8.0 and 9.0 (sm_80, sm_90)";
      return;
    }
    // A non-blocking stream: no implicit ordering with the legacy default stream of other libraries.
    if ((e = cudaStreamCreateWithFlags(&ctx.stream, cudaStreamNonBlocking)) != cudaSuccess) {
      s.reason = std::string("CUDA unavailable: cudaStreamCreateWithFlags failed: ") + cudaGetErrorString(e);
      return;
    }
    cudaDeviceGetAttribute(&s.shared_optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev);
    s.name = p.name;
    s.major = p.major;
    s.minor = p.minor;
    s.multiprocessors = p.multiProcessorCount;
    s.memory_bytes = double(p.totalGlobalMem);
    s.available = true;
    s.reason = "CUDA available: " + s.name;
  });
  return ctx;
}

}  // namespace

const DeviceStatus& Status() { return Ctx().status; }

void RequireDevice() {
  const DeviceStatus& s = Status();
  if (!s.available) throw CudaError(s.reason);
}

cudaStream_t Stream() {
  RequireDevice();
  return Ctx().stream;
}

}  // namespace qc
