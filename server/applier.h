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
#include "server/cluster/membership_applier.h"
#include "storage/mvcc_store.h"

namespace raftkv::server {

// The response a command produced; monostate for commands with no response (e.g. an
// entry replayed after a restart that the store had already applied).
using ApplyResponse =
    std::variant<std::monostate, etcdserverpb::PutResponse, etcdserverpb::DeleteRangeResponse,
                 etcdserverpb::TxnResponse, etcdserverpb::CompactionResponse>;
using ApplyResult = absl::StatusOr<ApplyResponse>;

class Applier {
 public:
  // `membership` may be null (tests without a cluster): membership commands are then
  // consumed without effect.
  explicit Applier(storage::MvccStore* store, MembershipApplier* membership = nullptr)
      : store_(store), membership_(membership) {}

  // Applies `request`, the command at log `index`. An index the store has already
  // applied (replay after restart) is skipped, which makes apply idempotent.
  ApplyResult Apply(uint64_t index, const internalpb::InternalRequest& request);

 private:
  ApplyResult ApplyToStore(uint64_t index, const internalpb::InternalRequest& request);

  storage::MvccStore* store_;
  MembershipApplier* membership_;
};

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_APPLIER_H_
