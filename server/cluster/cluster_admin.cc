#include "server/cluster/cluster_admin.h"

#include <chrono>

#include "proto/peer.pb.h"
#include "server/cluster/member_id.h"

namespace raftkv::server {
namespace {

// etcd promotes a learner only once its log reaches 90% of the leader's.
constexpr double kLearnerReadyFraction = 0.9;

absl::Status NotFound() { return absl::NotFoundError("etcdserver: member not found"); }

}  // namespace

std::string EncodeMemberContext(const Member& member) {
  peerpb::MemberInfo info;
  info.set_id(member.id);
  info.set_name(member.name);
  for (const auto& url : member.peer_urls) info.add_peer_urls(url);
  for (const auto& url : member.client_urls) info.add_client_urls(url);
  info.set_is_learner(member.is_learner);
  return info.SerializeAsString();
}

Member DecodeMemberContext(uint64_t id, const std::string& context) {
  peerpb::MemberInfo info;
  info.ParseFromString(context);  // bootstrap entries carry no context: id only
  Member member;
  member.id = id;
  member.name = info.name();
  member.peer_urls.assign(info.peer_urls().begin(), info.peer_urls().end());
  member.client_urls.assign(info.client_urls().begin(), info.client_urls().end());
  member.is_learner = info.is_learner();
  return member;
}

void ApplyConfChangeToMembership(const raftpb::ConfChange& change, Membership* membership) {
  const uint64_t id = change.node_id();
  switch (change.type()) {
    case raftpb::CONF_CHANGE_ADD_NODE: {
      std::optional<Member> existing = membership->Get(id);
      if (existing && existing->is_learner) {
        membership->Promote(id).IgnoreError();
      } else if (!existing && !membership->IsRemoved(id)) {
        Member member = DecodeMemberContext(id, change.context());
        member.is_learner = false;
        membership->Add(member).IgnoreError();
      }
      break;
    }
    case raftpb::CONF_CHANGE_ADD_LEARNER_NODE:
      if (!membership->Contains(id) && !membership->IsRemoved(id)) {
        Member member = DecodeMemberContext(id, change.context());
        member.is_learner = true;
        membership->Add(member).IgnoreError();
      }
      break;
    case raftpb::CONF_CHANGE_REMOVE_NODE:
      if (membership->Contains(id)) membership->Remove(id).IgnoreError();
      break;
    default:
      break;
  }
}

absl::StatusOr<Member> ClusterAdmin::AddMember(const std::vector<std::string>& peer_urls,
                                               bool is_learner) {
  if (absl::Status s = membership_->CheckCanAdd(peer_urls); !s.ok()) return s;
  const int64_t now_micros = std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
  Member member;
  member.id = FreshMemberId(peer_urls, cluster_token_, now_micros, [this](uint64_t id) {
    return membership_->Contains(id) || membership_->IsRemoved(id);
  });
  member.peer_urls = peer_urls;
  member.is_learner = is_learner;
  raftpb::ConfChange change;
  change.set_type(is_learner ? raftpb::CONF_CHANGE_ADD_LEARNER_NODE : raftpb::CONF_CHANGE_ADD_NODE);
  change.set_node_id(member.id);
  change.set_context(EncodeMemberContext(member));
  if (absl::Status s = raft_->ChangeMembership(change); !s.ok()) return s;
  return member;
}

absl::Status ClusterAdmin::RemoveMember(uint64_t id) {
  if (!membership_->Contains(id)) return NotFound();
  raftpb::ConfChange change;
  change.set_type(raftpb::CONF_CHANGE_REMOVE_NODE);
  change.set_node_id(id);
  return raft_->ChangeMembership(change);
}

absl::Status ClusterAdmin::PromoteMember(uint64_t id) {
  std::optional<Member> member = membership_->Get(id);
  if (!member) return NotFound();
  if (!member->is_learner) {
    return absl::FailedPreconditionError("etcdserver: can only promote a learner member");
  }
  if (absl::Status s = LearnerCaughtUp(id); !s.ok()) return s;
  raftpb::ConfChange change;
  change.set_type(raftpb::CONF_CHANGE_ADD_NODE);
  change.set_node_id(id);
  change.set_context(EncodeMemberContext(*member));
  return raft_->ChangeMembership(change);
}

// Only the leader knows followers' progress; elsewhere the check is left to raft,
// which refuses nothing here, so require the leader like etcd's forwarding does.
absl::Status ClusterAdmin::LearnerCaughtUp(uint64_t id) const {
  raft::NodeStatus status = raft_->RaftStatus();
  if (status.role != raft::StateRole::kLeader) {
    return absl::FailedPreconditionError("etcdserver: not leader");
  }
  auto learner = status.progress.find(id);
  auto leader = status.progress.find(status.id);
  if (learner == status.progress.end() || leader == status.progress.end() ||
      learner->second.match < leader->second.match * kLearnerReadyFraction) {
    return absl::FailedPreconditionError(
        "etcdserver: can only promote a learner member which is in sync with leader");
  }
  return absl::OkStatus();
}

absl::Status ClusterAdmin::UpdateMember(uint64_t id, const std::vector<std::string>& peer_urls) {
  if (!membership_->Contains(id)) return NotFound();
  for (const Member& m : membership_->List()) {
    if (m.id == id) continue;
    for (const auto& url : peer_urls) {
      if (std::find(m.peer_urls.begin(), m.peer_urls.end(), url) != m.peer_urls.end()) {
        return absl::FailedPreconditionError("etcdserver: Peer URLs already exists");
      }
    }
  }
  // Peer URLs are not part of Raft's configuration: the update is a normal command.
  internalpb::InternalRequest request;
  request.mutable_member_update()->set_member_id(id);
  for (const auto& url : peer_urls) request.mutable_member_update()->add_peer_urls(url);
  return propose_(std::move(request));
}

}  // namespace raftkv::server
