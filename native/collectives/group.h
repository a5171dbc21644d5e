// A Gloo process group: the full mesh of TCP pairs between the ranks (rendezvous through
// TcpStore), and one worker thread that runs the collectives in the order they were submitted, so
// every rank issues the same sequence and the caller's thread can go on computing meanwhile.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <gloo/rendezvous/context.h>

#include "tcp_store.h"

namespace quadra::dist {

struct GroupOptions {
  int rank = 0;
  int size = 1;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  std::string hostname;  // this rank's address for the mesh ("" = chosen from master_addr)
  std::string iface;     // or a network interface (GLOO_SOCKET_IFNAME)
  std::chrono::milliseconds timeout{60000};
  std::string run_id;    // prefixes every rendezvous key ("" = none)
};

enum class OpKind { kAllreduceSum, kBroadcast, kBarrier };
enum class ElemType { kF32, kF64 };

struct Op {
  OpKind kind;
  ElemType type = ElemType::kF32;
  void* data = nullptr;
  size_t count = 0;
  int root = 0;
  // Called on the worker thread when the op ends: "" on success, else the error.
  std::function<void(const std::string&)> done;
};

class Group {
 public:
  // Connects the mesh (blocking, at most opts.timeout); throws std::runtime_error on failure.
  explicit Group(const GroupOptions& opts);
  ~Group();
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // Queues an op; its done callback runs on the worker thread. After the first failure every later
  // op fails at once with that error (the mesh is broken, as in PyTorch's process groups).
  void Submit(Op op);
  // Stops the worker after the queued ops and drops the mesh; idempotent.
  void Close();

 private:
  void Loop();
  void Run(Op& op);

  int rank_;
  int size_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<StoreServer> server_;
  std::unique_ptr<TcpStore> store_;
  std::unique_ptr<gloo::rendezvous::Store> prefixed_;
  std::shared_ptr<gloo::rendezvous::Context> context_;
  uint32_t tag_ = 0;
  std::string failed_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Op> queue_;
  bool closing_ = false;
  std::thread worker_;
};

}  // namespace quadra::dist
