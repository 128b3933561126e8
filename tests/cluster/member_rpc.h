// Direct gRPC calls to one member (no failover, no retries): tests need to know exactly
// which member answered, and whether a particular write was acknowledged.
#ifndef RAFTKV_TESTS_CLUSTER_MEMBER_RPC_H_
#define RAFTKV_TESTS_CLUSTER_MEMBER_RPC_H_

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "proto/rpc.grpc.pb.h"

namespace raftkv::cluster_test {

class MemberRpc {
 public:
  // `endpoint` is "127.0.0.1:<client port>". The channel reconnects quickly after the
  // member restarts (short reconnect backoff), so one MemberRpc can outlive restarts.
  explicit MemberRpc(const std::string& endpoint);

  const std::string& endpoint() const { return endpoint_; }

  absl::Status Put(const std::string& key, const std::string& value,
                   std::chrono::milliseconds timeout = std::chrono::seconds(2));
  // Every key/value with `prefix`, read from this member's local store only
  // (serializable), so a lagging member shows exactly what it has applied.
  absl::StatusOr<std::map<std::string, std::string>> SerializableRangePrefix(
      const std::string& prefix, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  absl::StatusOr<etcdserverpb::StatusResponse> Status(
      std::chrono::milliseconds timeout = std::chrono::seconds(1));

 private:
  std::string endpoint_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<etcdserverpb::KV::Stub> kv_;
  std::unique_ptr<etcdserverpb::Maintenance::Stub> maintenance_;
};

// The smallest key greater than every key starting with `prefix` (etcd's range_end).
std::string PrefixEnd(const std::string& prefix);

}  // namespace raftkv::cluster_test

#endif  // RAFTKV_TESTS_CLUSTER_MEMBER_RPC_H_
