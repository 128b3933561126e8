// The lessor: the lease table of one member (etcd's lease.Lessor semantics).
//
// State changes (Grant, Revoke, Checkpoint) happen only when a committed Raft
// entry is applied, identically on every member, and are persisted with the
// entry's index so a replay after a crash is a no-op. Expiry is judged only by
// the primary (the leader's lessor): it reports overdue leases through
// ExpiredLeases() and the server proposes a revoke; nothing disappears until
// that revoke is applied. A newly promoted primary restarts every lease's
// countdown from its full (or checkpointed) TTL, so no lease expires early
// because of a failover. Keys attached to leases are tracked in memory only:
// the key-value store is their source of truth, re-attached at startup.
#ifndef RAFTKV_SERVER_LEASE_LESSOR_H_
#define RAFTKV_SERVER_LEASE_LESSOR_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "proto/rpc.pb.h"
#include "server/lease/clock.h"
#include "server/lease/lease_store.h"

namespace raftkv::server::lease {

struct LessorOptions {
  // Granted TTLs are raised to this. etcd: ceil(1.5 * election ticks * heartbeat
  // interval) in seconds, i.e. 2 s with the defaults (10 ticks x 100 ms).
  int64_t min_ttl_seconds = 0;
  // An expired lease is reported again if its revoke has not been applied by then.
  absl::Duration expired_retry_interval = absl::Seconds(3);
};

class Lessor {
 public:
  static constexpr int64_t kMaxLeaseTtl = 9'000'000'000;  // etcd's MaxLeaseTTL (seconds)

  // Loads persisted leases; they start non-expiring until Promote().
  static absl::StatusOr<std::unique_ptr<Lessor>> Open(std::unique_ptr<LeaseStore> store,
                                                      const Clock* clock, LessorOptions options);

  // ---- Apply path: call from the apply loop with the entry's Raft index. ----
  // Entries at or below AppliedIndex() were applied before a restart and are
  // skipped (Grant then reports the lease as it stands).
  uint64_t AppliedIndex() const;

  struct Granted {
    int64_t id = 0;
    int64_t ttl = 0;  // after raising to the minimum TTL
  };
  // Errors: id 0 -> LeaseNotFound (as etcd), ttl > kMaxLeaseTtl -> TTL too
  // large, existing id -> lease already exists.
  absl::StatusOr<Granted> Grant(int64_t id, int64_t ttl, uint64_t index);
  // Forgets the lease and its key attachments. The caller deletes Keys(id)
  // from the KV store in the same Raft entry (one revision) BEFORE calling this.
  absl::Status Revoke(int64_t id, uint64_t index);
  absl::Status Checkpoint(int64_t id, int64_t remaining_ttl, uint64_t index);

  // Key attachment, on apply of Put (with lease), DeleteRange, or a Put that
  // changes a key's lease. Attach moves a key already attached elsewhere.
  absl::Status Attach(int64_t id, const std::string& key);
  absl::Status Detach(int64_t id, const std::string& key);
  int64_t LeaseOfKey(const std::string& key) const;  // 0 when none
  // Sorted keys attached to the lease; NotFound for unknown leases.
  absl::StatusOr<std::vector<std::string>> Keys(int64_t id) const;
  bool Exists(int64_t id) const;

  // ---- State-machine snapshots. ----
  // Every lease with its TTL and checkpointed remaining TTL. Also makes the
  // lease store durable (a store opened without sync_writes relies on the Raft
  // log for durability, and a snapshot lets the log drop the entries before
  // it); aborts on a failed sync, as a storage I/O error leaves no safe way on.
  std::vector<LeaseRecord> Export() const;
  // Replaces the whole table by `leases` (a snapshot covering `index` was restored).
  // Key attachments are cleared: re-attach from the restored KV store.
  absl::Status ReplaceAll(const std::vector<LeaseRecord>& leases, uint64_t index);

  // ---- Leadership. ----
  // Call when this member becomes leader and has applied all entries of
  // earlier terms (etcd passes the election timeout as `extend`).
  void Promote(absl::Duration extend);
  void Demote();
  bool IsPrimary() const;

  // Primary only: refreshes the lease's deadline to now + TTL and returns TTL.
  // NotFound for unknown (or already expired, pending revoke) leases;
  // NotPrimaryError() on a non-primary.
  absl::StatusOr<int64_t> Renew(int64_t id);
  // Primary only: up to `limit` leases whose deadline passed. Each is reported
  // again after expired_retry_interval if it is still there.
  std::vector<int64_t> ExpiredLeases(size_t limit = 500);

  // ---- Queries. ----
  // TTL = remaining whole seconds (etcd truncation), grantedTTL, keys if asked.
  // No header. NotFound for unknown leases (the service turns it into TTL -1).
  absl::StatusOr<etcdserverpb::LeaseTimeToLiveResponse> TimeToLive(int64_t id,
                                                                   bool with_keys) const;
  // All lease ids, soonest-expiring first.
  std::vector<int64_t> Leases() const;

 private:
  struct Lease {
    int64_t ttl = 0;
    int64_t remaining_ttl = 0;  // checkpointed; 0 = unset
    absl::Time expiry = absl::InfiniteFuture();
    absl::Time next_report = absl::InfiniteFuture();
    std::set<std::string> keys;

    int64_t CountdownSeconds() const { return remaining_ttl > 0 ? remaining_ttl : ttl; }
  };

  Lessor(std::unique_ptr<LeaseStore> store, const Clock* clock, LessorOptions options);
  bool AlreadyApplied(uint64_t index) const {
    return index != 0 && index <= store_->AppliedIndex();
  }
  void StartCountdownLocked(Lease* lease, absl::Duration extend);
  void DetachLocked(Lease* lease, const std::string& key);

  const std::unique_ptr<LeaseStore> store_;
  const Clock* const clock_;
  const LessorOptions options_;

  mutable std::mutex mu_;
  std::map<int64_t, Lease> leases_;
  std::unordered_map<std::string, int64_t> lease_of_key_;
  bool primary_ = false;
};

}  // namespace raftkv::server::lease

#endif  // RAFTKV_SERVER_LEASE_LESSOR_H_
