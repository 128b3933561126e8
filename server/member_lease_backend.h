// The member side of the Lease service: grants and revokes go through Raft;
// keep-alives and time-to-live queries are answered by the leader's lessor, so a
// follower forwards them to the leader's client URL (as etcd forwards to its leader).
#ifndef RAFTKV_SERVER_MEMBER_LEASE_BACKEND_H_
#define RAFTKV_SERVER_MEMBER_LEASE_BACKEND_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "grpcpp/channel.h"
#include "server/cluster/membership.h"
#include "server/kv_core.h"
#include "server/leader_channel.h"
#include "server/lease/keep_alive_forwarder.h"
#include "server/lease/lease_service.h"
#include "server/lease/lessor.h"
#include "server/raftnode/raft_node.h"

namespace raftkv::server {

class MemberLeaseBackend : public lease::LeaseBackend {
 public:
  MemberLeaseBackend(KvCore* core, RaftNode* raft, lease::Lessor* lessor,
                     const Membership* membership)
      : core_(core), raft_(raft), lessor_(lessor), leader_(raft, membership), keep_alives_([this] {
          return leader_.Get();
        }) {}

  etcdserverpb::ResponseHeader Header() override;
  void Grant(const etcdserverpb::LeaseGrantRequest& request, GrantDone done) override;
  absl::StatusOr<etcdserverpb::LeaseRevokeResponse> Revoke(
      const etcdserverpb::LeaseRevokeRequest& request) override;
  absl::StatusOr<int64_t> Renew(int64_t id) override;
  absl::StatusOr<etcdserverpb::LeaseTimeToLiveResponse> TimeToLive(
      const etcdserverpb::LeaseTimeToLiveRequest& request) override;

 private:
  template <typename Result>
  Result AskLessorSettled(const std::function<Result()>& ask);

  KvCore* core_;
  RaftNode* raft_;
  lease::Lessor* lessor_;
  LeaderChannels leader_;
  // One long-lived keep-alive stream to the leader, shared by all keep-alives.
  lease::KeepAliveForwarder keep_alives_;
};

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_MEMBER_LEASE_BACKEND_H_
