// The read side of a node's durable Raft state, as the Raft core sees it.
#ifndef RAFTKV_RAFT_STORAGE_H_
#define RAFTKV_RAFT_STORAGE_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/raft.pb.h"

namespace raftkv::raft {

// Storage is implemented by the application (a WAL on disk, or MemoryStorage in tests).
// Raft only reads from it; the application writes what Ready hands over and then
// calls Advance. The log in storage is [FirstIndex(), LastIndex()], preceded by the
// snapshot (whose index is FirstIndex() - 1, and whose term Term() still answers).
//
// Error conventions (check with IsCompacted / IsEntryUnavailable):
//  - absl::OutOfRange: the requested index was compacted away (send a snapshot instead).
//  - absl::NotFound:   the requested index is beyond the last entry.
//  - absl::Unavailable from Snapshot(): the snapshot is being built, retry later.
class Storage {
 public:
  virtual ~Storage() = default;

  // The persisted HardState and the membership of the latest snapshot.
  virtual absl::StatusOr<std::pair<raftpb::HardState, raftpb::ConfState>> InitialState() const = 0;
  // Entries in [lo, hi), at most max_bytes in total but always at least one entry.
  virtual absl::StatusOr<std::vector<raftpb::Entry>> Entries(uint64_t lo, uint64_t hi,
                                                             uint64_t max_bytes) const = 0;
  // Term of the entry at i, for i in [FirstIndex()-1, LastIndex()].
  virtual absl::StatusOr<uint64_t> Term(uint64_t i) const = 0;
  // Index of the first entry still available (snapshot index + 1).
  virtual uint64_t FirstIndex() const = 0;
  // Index of the last entry (snapshot index when the log is empty).
  virtual uint64_t LastIndex() const = 0;
  // The most recent snapshot.
  virtual absl::StatusOr<raftpb::Snapshot> Snapshot() const = 0;
};

absl::Status CompactedError();
absl::Status EntryUnavailableError();
absl::Status SnapshotTemporarilyUnavailableError();
bool IsCompacted(const absl::Status& status);
bool IsEntryUnavailable(const absl::Status& status);

}  // namespace raftkv::raft

#endif  // RAFTKV_RAFT_STORAGE_H_
