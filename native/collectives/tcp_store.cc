#include "tcp_store.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace quadra::dist {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kSet = 'S';
constexpr char kGet = 'G';

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Waits until fd is readable (or writable) or the deadline passes; false on timeout.
bool PollUntil(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, static_cast<int>(left > 1000 ? 1000 : left));
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) throw std::runtime_error(Errno("poll"));
  }
}

void SendAll(int fd, const void* buf, size_t n) {
  auto* p = static_cast<const char*>(buf);
  while (n) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) throw std::runtime_error(Errno("send"));
    p += w;
    n -= static_cast<size_t>(w);
  }
}

// Reads exactly n bytes; returns false on a clean end of stream before the first byte.
bool RecvAll(int fd, void* buf, size_t n, Clock::time_point deadline, const std::string& what) {
  auto* p = static_cast<char*>(buf);
  size_t got = 0;
  while (got < n) {
    if (!PollUntil(fd, POLLIN, deadline)) throw std::runtime_error("timed out waiting for " + what);
    ssize_t r = ::recv(fd, p + got, n - got, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0 && got == 0) return false;
    if (r <= 0) throw std::runtime_error(r == 0 ? what + ": connection closed" : Errno("recv"));
    got += static_cast<size_t>(r);
  }
  return true;
}

void SendBlob(int fd, const char* data, uint32_t n) {
  SendAll(fd, &n, 4);
  if (n) SendAll(fd, data, n);
}

std::vector<char> RecvBlob(int fd, Clock::time_point deadline, const std::string& what) {
  uint32_t n = 0;
  if (!RecvAll(fd, &n, 4, deadline, what)) throw std::runtime_error(what + ": connection closed");
  if (n > (64u << 20)) throw std::runtime_error(what + ": oversized message");
  std::vector<char> v(n);
  if (n && !RecvAll(fd, v.data(), n, deadline, what)) throw std::runtime_error(what + ": connection closed");
  return v;
}

constexpr auto kForever = std::chrono::hours(24 * 365);

}  // namespace

StoreServer::StoreServer(int port, bool loopback_only) {
  listen_fd_ = loopback_only ? -1 : ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  bool v6 = listen_fd_ >= 0;
  if (!v6) listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error(Errno("socket"));
  int one = 1, zero = 0;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int rc;
  if (v6) {
    ::setsockopt(listen_fd_, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_any;
    a.sin6_port = htons(static_cast<uint16_t>(port));
    rc = ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(loopback_only ? INADDR_LOOPBACK : INADDR_ANY);
    a.sin_port = htons(static_cast<uint16_t>(port));
    rc = ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  if (rc != 0 || ::listen(listen_fd_, 128) != 0) {
    std::string msg = "rank 0 cannot serve the rendezvous store on port " + std::to_string(port) + " (MASTER_PORT): " +
                      std::strerror(errno);
    ::close(listen_fd_);
    throw std::runtime_error(msg);
  }
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

StoreServer::~StoreServer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (int fd : client_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  changed_.notify_all();
  ::shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  for (auto& t : clients_) t.join();
  ::close(listen_fd_);
}

void StoreServer::AcceptLoop() {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    pollfd p{listen_fd_, POLLIN, 0};
    int r = ::poll(&p, 1, 200);
    if (r <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      // out of descriptors or memory: back off instead of spinning
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    try {
      clients_.emplace_back([this, fd] { Serve(fd); });
      client_fds_.push_back(fd);
    } catch (const std::exception&) {
      ::close(fd);  // no thread for it: the rank sees its connection close and reports that
    }
  }
}

void StoreServer::Serve(int fd) {
  try {
    for (;;) {
      char op = 0;
      auto deadline = Clock::now() + kForever;
      if (!RecvAll(fd, &op, 1, deadline, "a store request")) break;
      std::vector<char> key = RecvBlob(fd, deadline, "a store key");
      std::vector<char> value = RecvBlob(fd, deadline, "a store value");
      std::string k(key.begin(), key.end());
      if (op == kSet) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          data_[k] = std::move(value);
        }
        changed_.notify_all();
        char ok = 0;
        SendAll(fd, &ok, 1);
      } else if (op == kGet) {
        uint32_t ms = 0;
        if (value.size() == 4) std::memcpy(&ms, value.data(), 4);
        std::vector<char> out;
        char status = 1;
        {
          std::unique_lock<std::mutex> lock(mu_);
          bool found = changed_.wait_for(lock, std::chrono::milliseconds(ms),
                                         [&] { return stopping_ || data_.count(k) > 0; });
          if (found && data_.count(k)) {
            out = data_[k];
            status = 0;
          }
        }
        SendAll(fd, &status, 1);
        SendBlob(fd, out.data(), static_cast<uint32_t>(out.size()));
      } else {
        break;
      }
    }
  } catch (const std::exception&) {
    // A rank that went away: its connection ends here; the others keep theirs.
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& c : client_fds_) {
    if (c == fd) c = -1;
  }
  ::close(fd);
}

TcpStore::TcpStore(const std::string& host, int port, std::chrono::milliseconds timeout)
    : where_(host + ":" + std::to_string(port)), timeout_(timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  auto deadline = Clock::now() + timeout;
  std::string last = "no address";
  while (Clock::now() < deadline) {
    addrinfo* res = nullptr;
    int gai = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
    if (gai != 0) throw std::runtime_error("cannot resolve MASTER_ADDR '" + host + "': " + ::gai_strerror(gai));
    for (addrinfo* ai = res; ai && fd_ < 0; ai = ai->ai_next) {
      int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
      if (fd < 0) continue;
      if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        fd_ = fd;
      } else {
        last = std::strerror(errno);
        ::close(fd);
      }
    }
    ::freeaddrinfo(res);
    if (fd_ >= 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (fd_ < 0) {
    throw std::runtime_error("cannot reach the rendezvous store at " + where_ + " (MASTER_ADDR:MASTER_PORT) within " +
                             std::to_string(timeout.count()) + " ms: " + last + "; is rank 0 running?");
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

TcpStore::~TcpStore() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<char> TcpStore::Request(char op, const std::string& key, const std::vector<char>& value,
                                    std::chrono::milliseconds timeout) {
  std::lock_guard<std::mutex> lock(mu_);
  // The server answers a GET when the key appears or its own wait ends; allow a little more here.
  auto deadline = Clock::now() + timeout + std::chrono::seconds(5);
  std::string what = "the rendezvous store at " + where_ + " (key '" + key + "')";
  SendAll(fd_, &op, 1);
  SendBlob(fd_, key.data(), static_cast<uint32_t>(key.size()));
  SendBlob(fd_, value.data(), static_cast<uint32_t>(value.size()));
  char status = 0;
  if (!RecvAll(fd_, &status, 1, deadline, what)) throw std::runtime_error(what + ": connection closed (rank 0 gone?)");
  if (op == kSet) return {};
  std::vector<char> out = RecvBlob(fd_, deadline, what);
  if (status != 0) {
    throw std::runtime_error("timed out after " + std::to_string(timeout.count()) + " ms waiting for key '" + key +
                             "' in the rendezvous store at " + where_ + ": not every rank joined");
  }
  return out;
}

void TcpStore::set(const std::string& key, const std::vector<char>& data) {
  Request(kSet, key, data, timeout_);
}

std::vector<char> TcpStore::get(const std::string& key) {
  uint32_t ms = static_cast<uint32_t>(timeout_.count());
  std::vector<char> v(4);
  std::memcpy(v.data(), &ms, 4);
  return Request(kGet, key, v, timeout_);
}

void TcpStore::wait(const std::vector<std::string>& keys) { wait(keys, timeout_); }

void TcpStore::wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& timeout) {
  uint32_t ms = static_cast<uint32_t>(timeout.count());
  std::vector<char> v(4);
  std::memcpy(v.data(), &ms, 4);
  for (const auto& k : keys) Request(kGet, k, v, timeout);
}

}  // namespace quadra::dist
