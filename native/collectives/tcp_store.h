// The rendezvous store of a process group: a small key-value service over TCP that rank 0 serves
// at MASTER_ADDR:MASTER_PORT and every rank (rank 0 included) uses through TcpStore. Gloo asks it
// for nothing but set/get/wait while the ranks exchange their transport addresses; the collectives
// themselves are Gloo's. (PyTorch's TCPStore plays the same part for its Gloo process group.)
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gloo/rendezvous/store.h>

namespace quadra::dist {

// Serves the key-value map on a port of every interface (or of 127.0.0.1 only, for a run on one
// machine), one thread per connected rank.
class StoreServer {
 public:
  // Binds and listens; throws std::runtime_error naming the port when that fails.
  StoreServer(int port, bool loopback_only);
  ~StoreServer();
  StoreServer(const StoreServer&) = delete;
  StoreServer& operator=(const StoreServer&) = delete;

 private:
  void AcceptLoop();
  void Serve(int fd);

  int listen_fd_ = -1;
  bool stopping_ = false;
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, std::vector<char>> data_;
  std::vector<int> client_fds_;
  std::vector<std::thread> clients_;
  std::thread acceptor_;
};

// One rank's connection to the server; a gloo::rendezvous::Store. Every call waits at most the
// timeout given at construction and throws std::runtime_error saying what it waited for.
class TcpStore : public gloo::rendezvous::Store {
 public:
  TcpStore(const std::string& host, int port, std::chrono::milliseconds timeout);
  ~TcpStore() override;

  void set(const std::string& key, const std::vector<char>& data) override;
  std::vector<char> get(const std::string& key) override;
  void wait(const std::vector<std::string>& keys) override;
  void wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& timeout) override;

 private:
  std::vector<char> Request(char op, const std::string& key, const std::vector<char>& value,
                            std::chrono::milliseconds timeout);

  std::string where_;
  std::chrono::milliseconds timeout_;
  std::mutex mu_;
  int fd_ = -1;
};

}  // namespace quadra::dist
