// The device context: the GPU in use (device 0, or QUADRA_CUDA_DEVICE), its one stream, its
// properties. Initialised on first use; without a driver or GPU, Status() explains why.
#pragma once
#include <cuda_runtime_api.h>

#include <string>

namespace qc {

struct DeviceStatus {
  bool available = false;
  std::string reason;
  std::string name;
  int major = 0, minor = 0;
  int multiprocessors = 0;
  double memory_bytes = 0;
  int runtime_version = 0;
  int driver_version = 0;
  int shared_optin = 0;  // bytes of shared memory a block may opt into
};

// Never throws: probes cudaGetDeviceCount and the device once, then caches the answer.
const DeviceStatus& Status();
// The device's stream; throws CudaError (with Status().reason) when CUDA is unavailable.
cudaStream_t Stream();
// Throws unless CUDA is available (every entry point that touches the device calls it).
void RequireDevice();

}  // namespace qc
