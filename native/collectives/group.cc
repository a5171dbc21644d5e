#include "group.h"

#include <unistd.h>

#include <stdexcept>

#include <gloo/allreduce.h>
#include <gloo/barrier.h>
#include <gloo/broadcast.h>
#include <gloo/math.h>
#include <gloo/rendezvous/prefix_store.h>
#include <gloo/transport/tcp/device.h>

namespace quadra::dist {
namespace {

bool IsLoopback(const std::string& addr) {
  return addr == "localhost" || addr.rfind("127.", 0) == 0 || addr == "::1";
}

std::shared_ptr<gloo::transport::Device> MakeDevice(const GroupOptions& o) {
  gloo::transport::tcp::attr attr;
  if (!o.iface.empty()) {
    attr.iface = o.iface;
  } else if (!o.hostname.empty()) {
    attr.hostname = o.hostname;
  } else if (IsLoopback(o.master_addr)) {
    attr.hostname = "127.0.0.1";
  } else {
    char name[256] = {0};
    if (::gethostname(name, sizeof name - 1) != 0) throw std::runtime_error("gethostname failed");
    attr.hostname = name;
  }
  return gloo::transport::tcp::CreateDevice(attr);
}

template <typename T>
void AllreduceSum(const std::shared_ptr<gloo::Context>& ctx, void* data, size_t n, uint32_t tag,
                  std::chrono::milliseconds timeout) {
  gloo::AllreduceOptions opts(ctx);
  opts.setOutput(static_cast<T*>(data), n);
  opts.setReduceFunction(static_cast<void (*)(void*, const void*, const void*, size_t)>(&gloo::sum<T>));
  opts.setTag(tag);
  opts.setTimeout(timeout);
  gloo::allreduce(opts);
}

template <typename T>
void Broadcast(const std::shared_ptr<gloo::Context>& ctx, void* data, size_t n, int root, uint32_t tag,
               std::chrono::milliseconds timeout) {
  gloo::BroadcastOptions opts(ctx);
  opts.setOutput(static_cast<T*>(data), n);
  opts.setRoot(root);
  opts.setTag(tag);
  opts.setTimeout(timeout);
  gloo::broadcast(opts);
}

}  // namespace

Group::Group(const GroupOptions& o) : rank_(o.rank), size_(o.size), timeout_(o.timeout) {
  if (o.rank == 0) server_ = std::make_unique<StoreServer>(o.master_port, IsLoopback(o.master_addr));
  store_ = std::make_unique<TcpStore>(o.master_addr, o.master_port, o.timeout);
  // keys of this run only (a store left by another run on the same port is never read as ours)
  if (!o.run_id.empty()) prefixed_ = std::make_unique<gloo::rendezvous::PrefixStore>(o.run_id, *store_);
  auto device = MakeDevice(o);
  context_ = std::make_shared<gloo::rendezvous::Context>(o.rank, o.size);
  context_->setTimeout(o.timeout);
  try {
    if (prefixed_) context_->connectFullMesh(*prefixed_, device);
    else context_->connectFullMesh(*store_, device);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("rank ") + std::to_string(o.rank) + " could not connect to the other " +
                             std::to_string(o.size - 1) + " ranks: " + e.what());
  }
  worker_ = std::thread([this] { Loop(); });
}

Group::~Group() { Close(); }

void Group::Submit(Op op) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!closing_) {
      queue_.push_back(std::move(op));
      cv_.notify_one();
      return;
    }
  }
  op.done("the process group is closed");
}

void Group::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closing_) return;
    closing_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  context_.reset();
  prefixed_.reset();
  store_.reset();
  server_.reset();
}

void Group::Loop() {
  for (;;) {
    Op op;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;
      op = std::move(queue_.front());
      queue_.pop_front();
    }
    Run(op);
  }
}

void Group::Run(Op& op) {
  if (!failed_.empty()) {
    op.done(failed_);
    return;
  }
  uint32_t tag = tag_++;
  try {
    bool f64 = op.type == ElemType::kF64;
    switch (op.kind) {
      case OpKind::kAllreduceSum:
        if (f64) AllreduceSum<double>(context_, op.data, op.count, tag, timeout_);
        else AllreduceSum<float>(context_, op.data, op.count, tag, timeout_);
        break;
      case OpKind::kBroadcast:
        if (f64) Broadcast<double>(context_, op.data, op.count, op.root, tag, timeout_);
        else Broadcast<float>(context_, op.data, op.count, op.root, tag, timeout_);
        break;
      case OpKind::kBarrier: {
        gloo::BarrierOptions opts(context_);
        opts.setTag(tag);
        opts.setTimeout(timeout_);
        gloo::barrier(opts);
        break;
      }
    }
  } catch (const std::exception& e) {
    failed_ = std::string("rank ") + std::to_string(rank_) + " of " + std::to_string(size_) +
              ": a collective failed (a rank exited, was killed or stopped answering within " +
              std::to_string(timeout_.count()) + " ms): " + e.what();
    op.done(failed_);
    return;
  }
  op.done("");
}

}  // namespace quadra::dist
