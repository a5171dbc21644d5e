// quadra_collectives.node: the Node-API face of a Gloo process group (group.h). connect() resolves to a
// Group; its collectives work in place on Float32Array/Float64Array buffers and come in two
// forms: promise-returning (queued on the group's worker thread, so the caller keeps computing:
// how gradient buckets overlap the backward) and blocking (*Sync). Errors never abort the
// process: they reject the promise or throw, with the rank and the cause in the message.
#include <napi.h>

#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "group.h"

namespace quadra::dist {
namespace {

class GroupWrap;

// One started op: wait() blocks on it.
struct Ticket {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::string error;
};

struct Pending {
  Napi::Promise::Deferred deferred;
  Napi::ObjectReference keep;  // the buffer, alive until the op ends
  Napi::ObjectReference self;  // the group's object, likewise
  GroupWrap* owner = nullptr;
  std::string error;
  explicit Pending(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
};

void Settle(Napi::Env env, Napi::Function, void*, Pending* p);
using Tsfn = Napi::TypedThreadSafeFunction<void, Pending, Settle>;

Napi::Error DistError(Napi::Env env, const std::string& msg) {
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, "QUADRA_DIST"));
  return e;
}


class GroupWrap : public Napi::ObjectWrap<GroupWrap> {
 public:

  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Group", {
      InstanceMethod("allreduce", &GroupWrap::Allreduce),
      InstanceMethod("broadcast", &GroupWrap::Broadcast),
      InstanceMethod("barrier", &GroupWrap::Barrier),
      InstanceMethod("allreduceSync", &GroupWrap::AllreduceSync),
      InstanceMethod("broadcastSync", &GroupWrap::BroadcastSync),
      InstanceMethod("barrierSync", &GroupWrap::BarrierSync),
      InstanceMethod("allreduceStart", &GroupWrap::AllreduceStart),
      InstanceMethod("broadcastStart", &GroupWrap::BroadcastStart),
      InstanceMethod("wait", &GroupWrap::Wait),
      InstanceMethod("close", &GroupWrap::Close),
      InstanceAccessor("rank", &GroupWrap::Rank, nullptr),
      InstanceAccessor("size", &GroupWrap::Size, nullptr),
    });
  }

  explicit GroupWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<GroupWrap>(info) {
    if (info.Length() < 1 || !info[0].IsExternal()) {
      throw Napi::TypeError::New(info.Env(), "Group: use connect(options), not new Group()");
    }
    group_.reset(info[0].As<Napi::External<Group>>().Data());
    tsfn_ = Tsfn::New(info.Env(), "quadra-dist", 0, 1);
    tsfn_.Unref(info.Env());
    // At environment teardown (process exit, a worker thread ending) this hook runs before the
    // thread-safe function's own (hooks run in reverse order), so Shutdown still finds it alive.
    env_ = info.Env();
    napi_add_env_cleanup_hook(env_, &GroupWrap::AtExit, this);
  }

  ~GroupWrap() override { Shutdown(); }

 private:
  static void AtExit(void* self) { static_cast<GroupWrap*>(self)->Shutdown(); }

  void Shutdown() {
    if (!group_) return;
    napi_remove_env_cleanup_hook(env_, &GroupWrap::AtExit, this);
    group_->Close();
    group_.reset();
    started_.clear();
    tsfn_.Release();
  }

  Group& Live(Napi::Env env) {
    if (!group_) throw DistError(env, "the process group is closed");
    return *group_;
  }

  // Unpacks (buffer[, root]) into an op; throws a TypeError naming the argument.
  Op MakeOp(const Napi::CallbackInfo& info, OpKind kind) {
    Napi::Env env = info.Env();
    Op op;
    op.kind = kind;
    if (kind == OpKind::kBarrier) return op;
    if (info.Length() < 1 || !info[0].IsTypedArray()) {
      throw Napi::TypeError::New(env, "buffer: expected a Float32Array or Float64Array");
    }
    auto ta = info[0].As<Napi::TypedArray>();
    if (ta.TypedArrayType() == napi_float32_array) op.type = ElemType::kF32;
    else if (ta.TypedArrayType() == napi_float64_array) op.type = ElemType::kF64;
    else throw Napi::TypeError::New(env, "buffer: expected a Float32Array or Float64Array");
    op.data = static_cast<char*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    op.count = ta.ElementLength();
    if (kind == OpKind::kBroadcast) {
      if (info.Length() < 2 || !info[1].IsNumber()) throw Napi::TypeError::New(env, "root: expected a rank number");
      int root = info[1].As<Napi::Number>().Int32Value();
      if (root < 0 || root >= group_->size()) {
        throw Napi::RangeError::New(env, "root: expected a rank in [0, " + std::to_string(group_->size()) + "), got " +
                                             std::to_string(root));
      }
      op.root = root;
    }
    return op;
  }

  Napi::Value SubmitAsync(const Napi::CallbackInfo& info, OpKind kind) {
    Napi::Env env = info.Env();
    Group& g = Live(env);
    Op op = MakeOp(info, kind);
    auto* p = new Pending(env);
    Napi::Promise promise = p->deferred.Promise();
    if (kind != OpKind::kBarrier) p->keep = Napi::Persistent(info[0].As<Napi::Object>());
    p->self = Napi::Persistent(info.This().As<Napi::Object>());
    p->owner = this;
    if (pending_++ == 0) tsfn_.Ref(env);
    Tsfn tsfn = tsfn_;
    op.done = [p, tsfn](const std::string& err) mutable {
      p->error = err;
      tsfn.NonBlockingCall(p);
    };
    g.Submit(std::move(op));
    return promise;
  }

  void SubmitSync(const Napi::CallbackInfo& info, OpKind kind) {
    Napi::Env env = info.Env();
    Group& g = Live(env);
    Op op = MakeOp(info, kind);
    auto result = std::make_shared<std::promise<std::string>>();
    std::future<std::string> f = result->get_future();
    op.done = [result](const std::string& err) { result->set_value(err); };
    g.Submit(std::move(op));
    std::string err = f.get();
    if (!err.empty()) throw DistError(env, err);
  }

  Napi::Value Start(const Napi::CallbackInfo& info, OpKind kind) {
    Napi::Env env = info.Env();
    Group& g = Live(env);
    Op op = MakeOp(info, kind);
    auto t = std::make_shared<Ticket>();
    op.done = [t](const std::string& err) {
      std::lock_guard<std::mutex> lock(t->mu);
      t->error = err;
      t->done = true;
      t->cv.notify_all();
    };
    double id = static_cast<double>(next_ticket_++);
    Started& s = started_[static_cast<uint64_t>(id)];
    s.ticket = t;
    s.keep = Napi::Persistent(info[0].As<Napi::Object>());
    g.Submit(std::move(op));
    return Napi::Number::New(env, id);
  }

  Napi::Value Wait(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "id: expected the number a *Start call returned");
    auto it = started_.find(static_cast<uint64_t>(info[0].As<Napi::Number>().DoubleValue()));
    if (it == started_.end()) throw Napi::RangeError::New(env, "id: no started op with this id (each is waited for once)");
    std::shared_ptr<Ticket> t = it->second.ticket;
    std::string error;
    {
      std::unique_lock<std::mutex> lock(t->mu);
      t->cv.wait(lock, [&] { return t->done; });
      error = t->error;
    }
    started_.erase(it);  // the buffer's reference goes only once the worker is done with it
    if (!error.empty()) throw DistError(env, error);
    return env.Undefined();
  }

  Napi::Value AllreduceStart(const Napi::CallbackInfo& info) { return Start(info, OpKind::kAllreduceSum); }
  Napi::Value BroadcastStart(const Napi::CallbackInfo& info) { return Start(info, OpKind::kBroadcast); }
  Napi::Value Allreduce(const Napi::CallbackInfo& info) { return SubmitAsync(info, OpKind::kAllreduceSum); }
  Napi::Value Broadcast(const Napi::CallbackInfo& info) { return SubmitAsync(info, OpKind::kBroadcast); }
  Napi::Value Barrier(const Napi::CallbackInfo& info) { return SubmitAsync(info, OpKind::kBarrier); }
  Napi::Value AllreduceSync(const Napi::CallbackInfo& info) {
    SubmitSync(info, OpKind::kAllreduceSum);
    return info.Env().Undefined();
  }
  Napi::Value BroadcastSync(const Napi::CallbackInfo& info) {
    SubmitSync(info, OpKind::kBroadcast);
    return info.Env().Undefined();
  }
  Napi::Value BarrierSync(const Napi::CallbackInfo& info) {
    SubmitSync(info, OpKind::kBarrier);
    return info.Env().Undefined();
  }
  Napi::Value Close(const Napi::CallbackInfo& info) {
    Shutdown();
    return info.Env().Undefined();
  }
  Napi::Value Rank(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), Live(info.Env()).rank()); }
  Napi::Value Size(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), Live(info.Env()).size()); }

 public:
  // Called by Settle (main thread) when an op ends.
  static void Done(GroupWrap* w, Napi::Env env) {
    if (--w->pending_ == 0 && w->group_) w->tsfn_.Unref(env);
  }

 private:
  struct Started {
    std::shared_ptr<Ticket> ticket;
    Napi::ObjectReference keep;  // the buffer, alive until waited for
  };
  std::unique_ptr<Group> group_;
  napi_env env_ = nullptr;
  Tsfn tsfn_;
  int pending_ = 0;
  uint64_t next_ticket_ = 1;
  std::map<uint64_t, Started> started_;
};


void Settle(Napi::Env env, Napi::Function, void*, Pending* p) {
  std::unique_ptr<Pending> own(p);
  if (env == nullptr) return;  // the environment is being torn down
  GroupWrap::Done(p->owner, env);
  if (p->error.empty()) p->deferred.Resolve(env.Undefined());
  else p->deferred.Reject(DistError(env, p->error).Value());
}

// Connecting blocks until every rank has joined (or the timeout), so it runs off the main thread.
class ConnectWorker : public Napi::AsyncWorker {
 public:
  ConnectWorker(Napi::Env env, GroupOptions opts)
      : Napi::AsyncWorker(env, "quadra-dist-connect"), opts_(std::move(opts)), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      group_ = std::make_unique<Group>(opts_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object obj = env.GetInstanceData<Napi::FunctionReference>()->New({Napi::External<Group>::New(env, group_.release())});
    deferred_.Resolve(obj);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(DistError(Env(), e.Message()).Value()); }

 private:
  GroupOptions opts_;
  Napi::Promise::Deferred deferred_;
  std::unique_ptr<Group> group_;
};

int IntField(const Napi::Object& o, const char* name, int lo, int hi) {
  Napi::Value v = o.Get(name);
  if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), std::string(name) + ": expected an integer");
  double d = v.As<Napi::Number>().DoubleValue();
  if (d != static_cast<double>(static_cast<long long>(d)) || d < lo || d > hi) {
    throw Napi::RangeError::New(o.Env(), std::string(name) + ": expected an integer in [" + std::to_string(lo) + ", " +
                                             std::to_string(hi) + "], got " + v.ToString().Utf8Value());
  }
  return static_cast<int>(d);
}

std::string StringField(const Napi::Object& o, const char* name) {
  Napi::Value v = o.Get(name);
  if (v.IsUndefined()) return "";
  if (!v.IsString()) throw Napi::TypeError::New(o.Env(), std::string(name) + ": expected a string");
  return v.As<Napi::String>().Utf8Value();
}

Napi::Value Connect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "options: expected an object");
  Napi::Object o = info[0].As<Napi::Object>();
  GroupOptions opts;
  opts.size = IntField(o, "size", 1, 1 << 20);
  opts.rank = IntField(o, "rank", 0, opts.size - 1);
  opts.master_port = IntField(o, "masterPort", 1, 65535);
  opts.timeout = std::chrono::milliseconds(IntField(o, "timeoutMs", 1, 1 << 30));
  opts.master_addr = StringField(o, "masterAddr");
  if (opts.master_addr.empty()) throw Napi::TypeError::New(env, "masterAddr: expected a host name or address");
  opts.hostname = StringField(o, "hostname");
  opts.iface = StringField(o, "iface");
  opts.run_id = StringField(o, "runId");
  auto* w = new ConnectWorker(env, std::move(opts));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // the class per environment (each worker thread that loads the module has its own)
  env.SetInstanceData(new Napi::FunctionReference(Napi::Persistent(GroupWrap::Define(env))));
  exports.Set("connect", Napi::Function::New(env, Connect, "connect"));
  exports.Set("backend", Napi::String::New(env, "gloo"));
  exports.Set("version", Napi::String::New(env, QUADRA_VERSION));
  return exports;
}

}  // namespace
}  // namespace quadra::dist

static Napi::Object InitQuadraDist(Napi::Env env, Napi::Object exports) { return quadra::dist::Init(env, exports); }

NODE_API_MODULE(quadra_collectives, InitQuadraDist)
