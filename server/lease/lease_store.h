// Durable lease table: lease id, granted TTL and checkpointed remaining TTL, in
// a LevelDB of its own. Every change is one atomic batch that also records the
// Raft index that caused it, so replaying the log after a crash is idempotent.
#ifndef RAFTKV_SERVER_LEASE_LEASE_STORE_H_
#define RAFTKV_SERVER_LEASE_LEASE_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace leveldb {
class DB;
}

namespace raftkv::server::lease {

struct LeaseRecord {
  int64_t id = 0;
  int64_t ttl = 0;            // granted TTL, seconds
  int64_t remaining_ttl = 0;  // 0 = unset (use ttl)
};

class LeaseStore {
 public:
  struct Options {
    std::string path;  // e.g. <data-dir>/member/lease; created if missing
    bool sync_writes = true;
  };
  static absl::StatusOr<std::unique_ptr<LeaseStore>> Open(const Options& options);
  ~LeaseStore();

  absl::StatusOr<std::vector<LeaseRecord>> LoadAll() const;
  uint64_t AppliedIndex() const { return applied_index_; }

  // Writes `puts`, removes `deletes` and records `applied_index`, atomically.
  absl::Status Commit(const std::vector<LeaseRecord>& puts, const std::vector<int64_t>& deletes,
                      uint64_t applied_index);

  // Makes every Commit so far durable (fsync), for stores opened without
  // sync_writes: called before a snapshot lets the Raft log drop older entries.
  absl::Status Sync();

 private:
  LeaseStore(std::unique_ptr<leveldb::DB> db, bool sync, uint64_t applied_index);

  std::unique_ptr<leveldb::DB> db_;
  const bool sync_;
  uint64_t applied_index_;
};

}  // namespace raftkv::server::lease

#endif  // RAFTKV_SERVER_LEASE_LEASE_STORE_H_
