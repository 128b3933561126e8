// The backend quota (etcd's --quota-backend-bytes), checked before a write is proposed.
//
// A write that would grow the database past the quota raises the NOSPACE alarm
// (through Raft, so every member sees it) and fails with etcd's "database space
// exceeded"; while NOSPACE is active every such write fails the same way, until an
// operator frees space (compact + defrag) and runs `etcdctl alarm disarm`.
#ifndef RAFTKV_SERVER_ALARM_QUOTA_GUARD_H_
#define RAFTKV_SERVER_ALARM_QUOTA_GUARD_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "proto/rpc.pb.h"
#include "server/alarm/alarm_store.h"

namespace raftkv::server::alarm {

// etcd's ErrGRPCNoSpace (codes.ResourceExhausted).
absl::Status NoSpaceError();

class QuotaGuard {
 public:
  struct Options {
    // etcd semantics: < 0 disables the quota, 0 means the 2 GiB default.
    int64_t quota_bytes = 0;
    uint64_t member_id = 0;
  };
  static constexpr int64_t kDefaultQuotaBytes = int64_t{2} * 1024 * 1024 * 1024;
  // etcd charges this much per key on top of its key and value bytes.
  static constexpr int64_t kPerRequestOverheadBytes = 256;

  // `db_size` reports the backend's current size; `raise_alarm` proposes an
  // AlarmRequest through Raft and waits for it. `alarms` must outlive the guard.
  QuotaGuard(Options options, const AlarmStore* alarms, std::function<int64_t()> db_size,
             std::function<absl::Status(const etcdserverpb::AlarmRequest&)> raise_alarm);

  // OK when a write of `request_bytes` may be proposed; NoSpaceError otherwise
  // (after raising NOSPACE if the quota is newly exceeded). Call for writes that
  // can grow the database: Put, Txn with puts, LeaseGrant.
  absl::Status CheckWrite(size_t request_bytes) const;

  int64_t quota_bytes() const { return quota_bytes_; }  // < 0: unlimited

 private:
  const int64_t quota_bytes_;
  const uint64_t member_id_;
  const AlarmStore* alarms_;
  const std::function<int64_t()> db_size_;
  const std::function<absl::Status(const etcdserverpb::AlarmRequest&)> raise_alarm_;
};

// Whether a txn contains a put anywhere (only those can grow the database).
bool TxnHasPut(const etcdserverpb::TxnRequest& txn);

}  // namespace raftkv::server::alarm

#endif  // RAFTKV_SERVER_ALARM_QUOTA_GUARD_H_
