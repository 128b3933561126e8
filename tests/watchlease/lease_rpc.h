// Direct unary Lease and KV calls to one member (no retries), for lease tests that must
// know which member answered.
#ifndef RAFTKV_TESTS_WATCHLEASE_LEASE_RPC_H_
#define RAFTKV_TESTS_WATCHLEASE_LEASE_RPC_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "proto/rpc.grpc.pb.h"

namespace raftkv::watchlease_test {

// Keys with their values, plus the store revision the read was served at.
struct PrefixSnapshot {
  std::map<std::string, std::string> kvs;
  int64_t revision = 0;
};

class LeaseRpc {
 public:
  explicit LeaseRpc(const std::string& endpoint);

  // Returns the granted lease id (the server picks it).
  absl::StatusOr<int64_t> Grant(int64_t ttl_seconds);
  absl::Status Revoke(int64_t lease_id);
  absl::StatusOr<etcdserverpb::LeaseTimeToLiveResponse> TimeToLive(int64_t lease_id,
                                                                   bool keys = true);
  // Returns the revision of the put.
  absl::StatusOr<int64_t> Put(const std::string& key, const std::string& value,
                              int64_t lease_id = 0);
  // Linearizable read of every key under `prefix`.
  absl::StatusOr<PrefixSnapshot> RangePrefix(const std::string& prefix);

 private:
  std::string endpoint_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<etcdserverpb::Lease::Stub> lease_;
  std::unique_ptr<etcdserverpb::KV::Stub> kv_;
};

}  // namespace raftkv::watchlease_test

#endif  // RAFTKV_TESTS_WATCHLEASE_LEASE_RPC_H_
