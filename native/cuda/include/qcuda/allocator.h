// The caching device allocator: size-bucketed free lists so that steady-state training does no
// cudaMalloc/cudaFree at all. Blocks go back to the pool when released; since every kernel runs on
// the one stream of the device, a block reused by a later kernel is ordered after its last user.
#pragma once
#include <cstddef>
#include <cstdint>

namespace qc {

struct MemoryStats {
  int64_t live;     // bytes handed out (rounded block sizes)
  int64_t pooled;   // bytes cached in free lists
  int64_t peak;     // highest `live` since start or ResetPeak
  int64_t count;    // live blocks
  int64_t mallocs;  // cudaMalloc calls so far (tests check reuse with it)
};

// Rounded block size for a request: 512-byte steps below 1 MiB, then quarter-power-of-two steps
// (at most 25 % slack), so that similar sizes share a bucket.
size_t BlockSize(size_t bytes);

// A block of at least `bytes` (nullptr for 0). On out-of-memory the cache is emptied and the
// cudaMalloc retried once; then CudaError with the sizes involved.
void* DeviceAlloc(size_t bytes, size_t* block_bytes);
// Back to the pool (not to the driver).
void DeviceFree(void* p, size_t block_bytes);
MemoryStats Memory();
void ResetPeak();
// Synchronises the stream, then cudaFree's every pooled block.
void EmptyCache();

// A scratch block for the duration of one call (recompute buffers, uploaded labels).
class Scratch {
 public:
  explicit Scratch(size_t bytes) : p_(DeviceAlloc(bytes, &block_)) {}
  ~Scratch() { DeviceFree(p_, block_); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  template <class T>
  T* as() const { return static_cast<T*>(p_); }

 private:
  size_t block_ = 0;
  void* p_;
};

}  // namespace qc
