// gRPC channels to the current leader's client URL, for requests only the leader
// can answer (lease keep-alives, learner promotion), as etcd forwards them.
#ifndef RAFTKV_SERVER_LEADER_CHANNEL_H_
#define RAFTKV_SERVER_LEADER_CHANNEL_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "server/cluster/membership.h"
#include "server/raftnode/raft_node.h"

namespace raftkv::server {

class LeaderChannels {
 public:
  LeaderChannels(RaftNode* raft, const Membership* membership)
      : raft_(raft), membership_(membership) {}

  // A (cached) channel to the leader, or "etcdserver: no leader".
  absl::StatusOr<std::shared_ptr<grpc::Channel>> Get();

 private:
  RaftNode* raft_;
  const Membership* membership_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
};

// grpc::Status → absl::Status, keeping code and message (etcd's errors survive).
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_LEADER_CHANNEL_H_
