// What every oneDNN call from our kernels needs first (x86-64 builds): the calling thread's OpenMP
// team sized to NumThreads() (oneDNN sizes its regions with omp_get_max_threads()), and the
// asynchronous signals blocked in that team's workers for good (oneDNN's AVX-512 JIT code
// corrupted the heap when a signal handler ran on a worker mid-call; quadra/signal_guard.h).
// The caller still holds an AsyncSignalsBlocked guard around the call itself.
#pragma once

namespace quadra {

void PrepareOneDnnCall();

}  // namespace quadra
