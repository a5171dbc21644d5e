// Caching device allocator (see allocator.h). Single-threaded by construction (the JS thread),
// but guarded by a mutex anyway: N-API finalizers and a future worker must not corrupt the lists.
#include "qcuda/allocator.h"

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "qcuda/check.h"
#include "qcuda/device.h"

namespace qc {
namespace {

struct Pool {
  std::mutex mu;
  std::map<size_t, std::vector<void*>> free;  // block size -> cached blocks
  MemoryStats stats{};
};

Pool& P() {
  static Pool* pool = new Pool();  // never destroyed: finalizers may run during process exit
  return *pool;
}

void FreeAllLocked(Pool& p) {
  for (auto& [size, blocks] : p.free) {
    for (void* b : blocks) cudaFree(b);  // errors at teardown are ignored on purpose
    p.stats.pooled -= int64_t(size * blocks.size());
  }
  p.free.clear();
}

}  // namespace

size_t BlockSize(size_t bytes) {
  if (bytes == 0) return 0;
  constexpr size_t kSmall = size_t(1) << 20;
  if (bytes <= kSmall) return (bytes + 511) & ~size_t(511);
  size_t top = size_t(1) << (63 - __builtin_clzll(bytes));  // highest power of two <= bytes
  size_t step = top / 4;
  return (bytes + step - 1) / step * step;
}

void* DeviceAlloc(size_t bytes, size_t* block_bytes) {
  *block_bytes = 0;
  if (bytes == 0) return nullptr;
  const size_t size = BlockSize(bytes);
  Pool& p = P();
  {
    std::lock_guard<std::mutex> lock(p.mu);
    auto it = p.free.find(size);
    if (it != p.free.end() && !it->second.empty()) {
      void* b = it->second.back();
      it->second.pop_back();
      p.stats.pooled -= int64_t(size);
      p.stats.live += int64_t(size);
      p.stats.count++;
      if (p.stats.live > p.stats.peak) p.stats.peak = p.stats.live;
      *block_bytes = size;
      return b;
    }
  }
  RequireDevice();
  void* b = nullptr;
  cudaError_t e = cudaMalloc(&b, size);
  if (e == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    EmptyCache();
    e = cudaMalloc(&b, size);
  }
  std::lock_guard<std::mutex> lock(p.mu);
  if (e != cudaSuccess) {
    cudaGetLastError();
    throw CudaError("cudaMalloc(" + std::to_string(size) + " bytes) failed: " + cudaGetErrorString(e) +
                    " (live " + std::to_string(p.stats.live) + " bytes in " + std::to_string(p.stats.count) +
                    " blocks; the cache was emptied and the allocation retried)");
  }
  p.stats.mallocs++;
  p.stats.live += int64_t(size);
  p.stats.count++;
  if (p.stats.live > p.stats.peak) p.stats.peak = p.stats.live;
  *block_bytes = size;
  return b;
}

void DeviceFree(void* b, size_t block_bytes) {
  if (!b) return;
  Pool& p = P();
  std::lock_guard<std::mutex> lock(p.mu);
  p.free[block_bytes].push_back(b);
  p.stats.live -= int64_t(block_bytes);
  p.stats.count--;
  p.stats.pooled += int64_t(block_bytes);
}

MemoryStats Memory() {
  Pool& p = P();
  std::lock_guard<std::mutex> lock(p.mu);
  return p.stats;
}

void ResetPeak() {
  Pool& p = P();
  std::lock_guard<std::mutex> lock(p.mu);
  p.stats.peak = p.stats.live;
}

void EmptyCache() {
  if (!Status().available) return;
  // Pooled blocks may still be read by queued kernels of their last user.
  QC_CHECK(cudaStreamSynchronize(Stream()));
  Pool& p = P();
  std::lock_guard<std::mutex> lock(p.mu);
  FreeAllLocked(p);
}

}  // namespace qc
