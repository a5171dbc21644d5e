// Keeps asynchronous signals away from threads running oneDNN's AVX-512 JIT GEMM.
//
// Measured here (oneDNN 2.6.3 from Debian, AVX-512 VM): a signal delivered while dnnl_sgemm runs
// its AVX-512 kernels corrupts the heap ("corrupted size vs. prev_size", or a segfault) within
// seconds of SIGUSR2 every 20 ms, on 1 thread or 2; with ONEDNN_MAX_CPU_ISA=AVX2, or with our own
// kernels, it never did. The signal frame the kernel pushes evidently lands on data the JIT code
// keeps below the stack pointer. So the calling thread blocks asynchronous signals for the length
// of the call (they stay pending and arrive right after), and the OpenMP worker threads that run
// the GEMM's parallel regions block them for good (a process-directed signal then goes to a
// thread that takes it, as Node's main thread does). Synchronous signals are never blocked.
#pragma once
#include <pthread.h>
#include <signal.h>

namespace quadra {

// The set of signals to block: everything but the synchronous, fault-reporting ones.
inline const sigset_t& AsyncSignals() {
  static const sigset_t set = [] {
    sigset_t s;
    sigfillset(&s);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS}) sigdelset(&s, sig);
    return s;
  }();
  return set;
}

// Blocks AsyncSignals() on this thread for the guard's lifetime (restores the previous mask).
class AsyncSignalsBlocked {
 public:
  AsyncSignalsBlocked() { pthread_sigmask(SIG_BLOCK, &AsyncSignals(), &old_); }
  ~AsyncSignalsBlocked() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  AsyncSignalsBlocked(const AsyncSignalsBlocked&) = delete;
  AsyncSignalsBlocked& operator=(const AsyncSignalsBlocked&) = delete;

 private:
  sigset_t old_;
};

}  // namespace quadra
