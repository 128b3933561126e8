// One member the client can talk to: its address, a gRPC channel and the service stubs.
#ifndef RAFTKV_CLIENT_ENDPOINT_H_
#define RAFTKV_CLIENT_ENDPOINT_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "proto/rpc.grpc.pb.h"

namespace raftkv::client {

struct ChannelTuning {
  // HTTP/2 keepalive on active streams: detects a member that stopped answering (paused,
  // partitioned) while a watch or keep-alive stream is open. etcd's server refuses pings more
  // often than its --grpc-keepalive-min-time (5s by default).
  std::chrono::milliseconds keepalive_time{10000};
  std::chrono::milliseconds keepalive_timeout{3000};
  std::chrono::milliseconds max_reconnect_backoff{1000};
};

class Endpoint {
 public:
  Endpoint(std::string address, const ChannelTuning& tuning);

  const std::string& address() const { return address_; }
  grpc::Channel& channel() { return *channel_; }
  // Waits up to `timeout` for an established connection.
  bool WaitConnected(std::chrono::milliseconds timeout);

  etcdserverpb::KV::Stub& kv() { return *kv_; }
  etcdserverpb::Watch::Stub& watch() { return *watch_; }
  etcdserverpb::Lease::Stub& lease() { return *lease_; }
  etcdserverpb::Cluster::Stub& cluster() { return *cluster_; }
  etcdserverpb::Maintenance::Stub& maintenance() { return *maintenance_; }

 private:
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<etcdserverpb::KV::Stub> kv_;
  std::unique_ptr<etcdserverpb::Watch::Stub> watch_;
  std::unique_ptr<etcdserverpb::Lease::Stub> lease_;
  std::unique_ptr<etcdserverpb::Cluster::Stub> cluster_;
  std::unique_ptr<etcdserverpb::Maintenance::Stub> maintenance_;
};

// "http://127.0.0.1:2379" -> "127.0.0.1:2379"; addresses without a scheme are unchanged.
std::string StripScheme(const std::string& url);

// Marks a call context the way etcd's clientv3 does for watches: the member must have a leader,
// so a member cut off from the cluster refuses at once instead of serving stale data or hanging.
void RequireLeader(grpc::ClientContext& context);

}  // namespace raftkv::client

#endif  // RAFTKV_CLIENT_ENDPOINT_H_
