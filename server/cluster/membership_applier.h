// Applies committed membership commands on every member, in log order: Raft
// configuration changes, published member attributes and peer-URL updates. Keeps
// the member table, its durable copy and the peer transport in step.
#ifndef RAFTKV_SERVER_CLUSTER_MEMBERSHIP_APPLIER_H_
#define RAFTKV_SERVER_CLUSTER_MEMBERSHIP_APPLIER_H_

#include <cstdint>

#include "proto/internal.pb.h"
#include "proto/raft.pb.h"
#include "server/cluster/membership.h"
#include "server/cluster/membership_store.h"
#include "server/transport/peer_transport.h"

namespace raftkv::server {

class MembershipApplier {
 public:
  MembershipApplier(uint64_t self_id, Membership* membership, MembershipStore* store)
      : self_id_(self_id), membership_(membership), store_(store) {}

  // The transport exists only once the raft node is open; set it before applying.
  void set_transport(transport::PeerTransport* transport) { transport_ = transport; }

  void ApplyConfChange(uint64_t index, const raftpb::ConfChange& change);
  void ApplyAttributes(uint64_t index, const internalpb::MemberAttributes& attributes);
  void ApplyUpdate(uint64_t index, const internalpb::MemberUpdate& update);
  // Replaces the whole table (a snapshot was restored).
  void Restore(uint64_t index, const peerpb::ClusterInfo& info);

 private:
  void Persist(uint64_t index);
  void SyncTransport();

  const uint64_t self_id_;
  Membership* const membership_;
  MembershipStore* const store_;
  transport::PeerTransport* transport_ = nullptr;
};

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_CLUSTER_MEMBERSHIP_APPLIER_H_
