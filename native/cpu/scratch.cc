#include "quadra/scratch.h"

#include <cstdlib>
#include <memory>
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

float* Scratch(ScratchSlot slot, size_t count) {
  Buffer& b = buffers[slot];
  if (count > b.capacity) {
    // Grow by 1.5x so alternating sizes settle quickly; round to a cache line.
    size_t cap = count + count / 2;
    size_t bytes = ((cap * sizeof(float)) + 63) / 64 * 64;
    void* p = std::aligned_alloc(64, bytes);
    if (!p) throw std::bad_alloc();
    b.data.reset(static_cast<float*>(p));
    b.capacity = bytes / sizeof(float);
  }
  return b.data.get();
}

}  // namespace quadra
