// Grow-only, 64-byte aligned scratch buffers, one set per calling thread (the JS main thread or
// a worker). Reusing them avoids a fresh multi-MB allocation, and its page faults, on every call.
#pragma once
#include <cstddef>

namespace quadra {

enum ScratchSlot { kScratchGates = 0, kScratchPartials, kScratchPacked, kScratchPackedAB, kScratchSlots };

// Asks for transparent huge pages on the 2 MB-aligned part of [p, p + bytes) (a hint; no-op
// where unsupported). Best before the memory is first touched.
void AdviseHugePages(void* p, size_t bytes);

// Returns at least `count` floats for `slot`; contents are unspecified.
float* Scratch(ScratchSlot slot, size_t count);

}  // namespace quadra
