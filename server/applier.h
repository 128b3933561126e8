// The state machine: applies one committed InternalRequest to the MVCC store.
//
// This is the only code that mutates the store. It runs on the replication log's apply
// thread, in log order, identically on every member, so it must be deterministic:
// its outcome may depend only on the command and the store's state.
#ifndef RAFTKV_SERVER_APPLIER_H_
#define RAFTKV_SERVER_APPLIER_H_

#include <cstdint>
#include <variant>

#include "absl/status/statusor.h"
#include "proto/internal.pb.h"
#include "proto/rpc.pb.h"
#include "server/alarm/alarm_store.h"
#include "server/cluster/membership_applier.h"
#include "server/lease_applier.h"
#include "storage/mvcc_store.h"

namespace raftkv::server {

// The response a command produced; monostate for commands with no response (e.g. an
// entry replayed after a restart that the store had already applied).
using ApplyResponse =
    std::variant<std::monostate, etcdserverpb::PutResponse, etcdserverpb::DeleteRangeResponse,
                 etcdserverpb::TxnResponse, etcdserverpb::CompactionResponse,
                 etcdserverpb::LeaseGrantResponse, etcdserverpb::LeaseRevokeResponse>;
using ApplyResult = absl::StatusOr<ApplyResponse>;

class Applier {
 public:
  // `membership` and `leases` may be null (tests without a cluster or lessor):
  // membership commands are then consumed without effect and no lease exists.
  explicit Applier(storage::MvccStore* store, MembershipApplier* membership = nullptr,
                   LeaseApplier* leases = nullptr)
      : store_(store), membership_(membership), leases_(leases) {}

  // Applies `request`, the command at log `index`. An index the store has already
  // applied (replay after restart) is skipped, which makes apply idempotent.
  ApplyResult Apply(uint64_t index, const internalpb::InternalRequest& request);

  // [maintenance] Committed AlarmRequests update this table (null: ignored).
  void set_alarms(alarm::AlarmStore* alarms) { alarms_ = alarms; }

 private:
  static bool IsLeaseCommand(const internalpb::InternalRequest& request);
  ApplyResult ApplyLease(uint64_t index, const internalpb::InternalRequest& request);
  absl::Status CheckLeases(const internalpb::InternalRequest& request) const;
  ApplyResult ApplyToStore(uint64_t index, const internalpb::InternalRequest& request);

  storage::MvccStore* store_;
  MembershipApplier* membership_;
  LeaseApplier* leases_;
  alarm::AlarmStore* alarms_ = nullptr;  // [maintenance]
};

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_APPLIER_H_
