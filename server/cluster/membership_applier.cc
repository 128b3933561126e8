#include "server/cluster/membership_applier.h"

#include "server/cluster/cluster_admin.h"
#include "spdlog/spdlog.h"

namespace raftkv::server {

void MembershipApplier::ApplyConfChange(uint64_t index, const raftpb::ConfChange& change) {
  ApplyConfChangeToMembership(change, membership_);
  Persist(index);
  SyncTransport();
}

void MembershipApplier::ApplyAttributes(uint64_t index,
                                        const internalpb::MemberAttributes& attributes) {
  membership_->SetAttributes(
      attributes.member_id(), attributes.name(),
      std::vector<std::string>(attributes.client_urls().begin(), attributes.client_urls().end()));
  Persist(index);
}

void MembershipApplier::ApplyUpdate(uint64_t index, const internalpb::MemberUpdate& update) {
  membership_
      ->UpdatePeerUrls(update.member_id(), std::vector<std::string>(update.peer_urls().begin(),
                                                                    update.peer_urls().end()))
      .IgnoreError();  // removed meanwhile: nothing to update
  Persist(index);
  SyncTransport();
}

void MembershipApplier::Restore(uint64_t index, const peerpb::ClusterInfo& info) {
  membership_->ReplaceWith(info);
  Persist(index);
  SyncTransport();
}

// A member that cannot record its membership could rejoin with a stale view after
// a restart; losing the process is the safer outcome.
void MembershipApplier::Persist(uint64_t index) {
  absl::Status saved = store_->Save(membership_->ToProto(), index);
  if (!saved.ok()) {
    spdlog::critical("cannot persist membership: {}", saved.ToString());
    std::abort();
  }
}

void MembershipApplier::SyncTransport() {
  if (!transport_) return;
  for (const Member& member : membership_->List()) {
    if (member.id != self_id_) transport_->AddPeer(member.id, member.peer_urls).IgnoreError();
  }
  for (uint64_t removed : membership_->ToProto().removed_ids()) transport_->RemovePeer(removed);
}

}  // namespace raftkv::server
