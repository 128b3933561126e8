// Membership changes requested through etcd's Cluster API: validates the request
// against the member table, turns it into a Raft ConfChange (the member's
// attributes ride in its context) and waits until the change is applied here.
#ifndef RAFTKV_SERVER_CLUSTER_CLUSTER_ADMIN_H_
#define RAFTKV_SERVER_CLUSTER_CLUSTER_ADMIN_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "proto/internal.pb.h"
#include "proto/raft.pb.h"
#include "server/cluster/membership.h"
#include "server/raftnode/raft_node.h"

namespace raftkv::server {

class ClusterAdmin {
 public:
  // Proposes a normal command through the log and waits for it to apply.
  using ProposeFn = std::function<absl::Status(internalpb::InternalRequest)>;

  ClusterAdmin(Membership* membership, RaftNode* raft, std::string cluster_token, ProposeFn propose)
      : membership_(membership),
        raft_(raft),
        cluster_token_(std::move(cluster_token)),
        propose_(std::move(propose)) {}

  absl::StatusOr<Member> AddMember(const std::vector<std::string>& peer_urls, bool is_learner);
  absl::Status RemoveMember(uint64_t id);
  absl::Status PromoteMember(uint64_t id);
  absl::Status UpdateMember(uint64_t id, const std::vector<std::string>& peer_urls);

 private:
  absl::Status LearnerCaughtUp(uint64_t id) const;

  Membership* membership_;
  RaftNode* raft_;
  const std::string cluster_token_;
  const ProposeFn propose_;
};

// The ConfChange context: the member as it should appear in every member table.
std::string EncodeMemberContext(const Member& member);
Member DecodeMemberContext(uint64_t id, const std::string& context);

// Applies a committed ConfChange to the member table (idempotent: replays after a
// restart find the change already there).
void ApplyConfChangeToMembership(const raftpb::ConfChange& change, Membership* membership);

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_CLUSTER_CLUSTER_ADMIN_H_
