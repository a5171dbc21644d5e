#include "quadra/scratch.h"

#include <sys/mman.h>

#include <cstdlib>
#include <memory>
#include <cstdint>
#include <new>

namespace quadra {
namespace {

struct FreeDeleter {
  void operator()(float* p) const { std::free(p); }
};

struct Buffer {
  std::unique_ptr<float, FreeDeleter> data;
  size_t capacity = 0;
};

thread_local Buffer buffers[kScratchSlots];

}  // namespace

void AdviseHugePages(void* p, size_t bytes) {
#ifdef MADV_HUGEPAGE
  const uintptr_t huge = uintptr_t(2) << 20;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + huge - 1) & ~(huge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(huge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
}

float* Scratch(ScratchSlot slot, size_t count) {
  Buffer& b = buffers[slot];
  if (count > b.capacity) {
    // Grow by 1.5x so alternating sizes settle quickly; round to a cache line.
    size_t cap = count + count / 2;
    size_t bytes = ((cap * sizeof(float)) + 63) / 64 * 64;
    // 2 MB alignment lets the kernel back large buffers with transparent huge pages: the
    // kernels walk k rows of several maps at a stride of C floats, which with 4 KB pages
    // touches more pages than the L1 TLB holds.
    const size_t align = bytes >= (size_t(4) << 20) ? (size_t(2) << 20) : 64;
    bytes = (bytes + align - 1) / align * align;
    void* p = std::aligned_alloc(align, bytes);
    if (!p) throw std::bad_alloc();
    if (align > 64) AdviseHugePages(p, bytes);
    b.data.reset(static_cast<float*>(p));
    b.capacity = bytes / sizeof(float);
  }
  return b.data.get();
}

}  // namespace quadra
