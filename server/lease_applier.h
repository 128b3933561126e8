// The lease half of the state machine: applies committed lease grants and revokes
// (a revoke deletes the lease's keys in one revision), checks that writes name
// existing leases, and keeps the lessor's key attachments in step with the store.
#ifndef RAFTKV_SERVER_LEASE_APPLIER_H_
#define RAFTKV_SERVER_LEASE_APPLIER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "proto/internal.pb.h"
#include "proto/kv.pb.h"
#include "proto/rpc.pb.h"
#include "server/lease/lessor.h"
#include "storage/mvcc_store.h"

namespace raftkv::server {

class LeaseApplier {
 public:
  LeaseApplier(lease::Lessor* lessor, storage::MvccStore* store) : lessor_(lessor), store_(store) {}

  absl::StatusOr<etcdserverpb::LeaseGrantResponse> Grant(
      uint64_t index, const etcdserverpb::LeaseGrantRequest& request);
  absl::StatusOr<etcdserverpb::LeaseRevokeResponse> Revoke(
      uint64_t index, const etcdserverpb::LeaseRevokeRequest& request);

  // "etcdserver: requested lease not found" if a put (also inside a txn) names a
  // lease that does not exist.
  absl::Status CheckLeasesExist(const internalpb::InternalRequest& request) const;

  // Called with every committed revision's events: attaches put keys to their
  // lease and detaches deleted or lease-less keys.
  void OnEvents(const std::vector<mvccpb::Event>& events);

  // Re-attaches every leased key of the store (after start-up or a snapshot restore).
  absl::Status ReattachAll();

 private:
  absl::Status CheckTxnLeases(const etcdserverpb::TxnRequest& txn) const;

  lease::Lessor* lessor_;
  storage::MvccStore* store_;
};

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_LEASE_APPLIER_H_
