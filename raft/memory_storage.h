// An in-memory Storage: used by tests, the simulation and the benchmark, and usable
// by the server as the in-memory mirror of its WAL.
#ifndef RAFTKV_RAFT_MEMORY_STORAGE_H_
#define RAFTKV_RAFT_MEMORY_STORAGE_H_

#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "raft/storage.h"

namespace raftkv::raft {

// Thread-safe: the raft loop reads while the persistence path writes.
class MemoryStorage : public Storage {
 public:
  MemoryStorage();

  absl::StatusOr<std::pair<raftpb::HardState, raftpb::ConfState>> InitialState() const override;
  absl::StatusOr<std::vector<raftpb::Entry>> Entries(uint64_t lo, uint64_t hi,
                                                     uint64_t max_bytes) const override;
  absl::StatusOr<uint64_t> Term(uint64_t i) const override;
  uint64_t FirstIndex() const override;
  uint64_t LastIndex() const override;
  absl::StatusOr<raftpb::Snapshot> Snapshot() const override;

  void SetHardState(const raftpb::HardState& state);
  raftpb::HardState hard_state() const;
  // Appends entries; an entry that conflicts with a stored one replaces it and
  // everything after it. Entries already compacted away are skipped.
  absl::Status Append(const std::vector<raftpb::Entry>& entries);
  // Same, taking the entries instead of copying them.
  absl::Status Append(std::vector<raftpb::Entry>&& entries);
  // Replaces the whole log with the snapshot. Refuses a snapshot older than ours.
  absl::Status ApplySnapshot(const raftpb::Snapshot& snapshot);
  // Records a snapshot of the state machine at `index` (which must be <= LastIndex()).
  absl::StatusOr<raftpb::Snapshot> CreateSnapshot(uint64_t index,
                                                  const raftpb::ConfState* conf_state,
                                                  std::string data);
  // Drops entries before `index` (entry `index` becomes the new log head marker).
  absl::Status Compact(uint64_t index);

 private:
  // Where `entries` go: the index into entries_ to truncate at and how many leading
  // entries to skip because they were compacted. nullopt if all were compacted.
  absl::StatusOr<std::optional<std::pair<size_t, size_t>>> PlaceLocked(
      const std::vector<raftpb::Entry>& entries) const;
  uint64_t FirstIndexLocked() const { return entries_[0].index() + 1; }
  uint64_t LastIndexLocked() const { return entries_[0].index() + entries_.size() - 1; }

  mutable std::mutex mu_;
  raftpb::HardState hard_state_;
  raftpb::Snapshot snapshot_;
  // entries_[0] is a marker holding the snapshot's index and term; real entries follow.
  std::vector<raftpb::Entry> entries_;
};

}  // namespace raftkv::raft

#endif  // RAFTKV_RAFT_MEMORY_STORAGE_H_
