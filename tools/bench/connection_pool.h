#ifndef RAFTKV_TOOLS_BENCH_CONNECTION_POOL_H_
#define RAFTKV_TOOLS_BENCH_CONNECTION_POOL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "proto/rpc.grpc.pb.h"

namespace raftkv::bench {

// One gRPC channel (= one TCP connection) with the etcd service stubs on it.
struct Connection {
  std::string endpoint;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<etcdserverpb::KV::Stub> kv;
  std::unique_ptr<etcdserverpb::Watch::Stub> watch;
  std::unique_ptr<etcdserverpb::Lease::Stub> lease;
};

// `count` connections spread round-robin over `endpoints`. Clients are in turn
// spread round-robin over connections (client i uses connection i % count).
class ConnectionPool {
 public:
  ConnectionPool(const std::vector<std::string>& endpoints, int count);

  // Waits until every channel is connected, so connection setup is not timed.
  absl::Status WaitConnected(absl::Duration timeout);

  Connection& ForClient(int client) { return *conns_[client % conns_.size()]; }
  int size() const { return static_cast<int>(conns_.size()); }

 private:
  std::vector<std::unique_ptr<Connection>> conns_;
};

}  // namespace raftkv::bench

#endif  // RAFTKV_TOOLS_BENCH_CONNECTION_POOL_H_
