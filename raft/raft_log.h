// A node's view of the whole log: stable entries in Storage plus the unstable tail,
// with the commit and applied cursors.
#ifndef RAFTKV_RAFT_RAFT_LOG_H_
#define RAFTKV_RAFT_RAFT_LOG_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "raft/storage.h"
#include "raft/unstable.h"
#include "raft/util.h"

namespace raftkv::raft {

class RaftLog {
 public:
  RaftLog(Storage* storage, uint64_t max_next_entries_size);

  uint64_t FirstIndex() const;
  uint64_t LastIndex() const;
  uint64_t LastTerm() const;
  // Term of entry i; 0 (and ok) for indexes outside [first-1, last] that are not compacted.
  absl::StatusOr<uint64_t> Term(uint64_t i) const;
  // Term of entry i, or 0 when it is compacted or missing.
  uint64_t TermOrZero(uint64_t i) const;
  bool MatchTerm(uint64_t i, uint64_t term) const;
  // Whether a log ending at (last_index, last_term) is at least as up to date as ours (§5.4.1).
  bool IsUpToDate(uint64_t last_index, uint64_t last_term) const;

  // Follower side of AppendEntries: if our entry at `index` has `log_term`, appends
  // `entries` (truncating a conflicting suffix), advances commit, and returns the index
  // of the last new entry. nullopt means the consistency check failed.
  std::optional<uint64_t> MaybeAppend(uint64_t index, uint64_t log_term, uint64_t committed,
                                      const std::vector<Entry>& entries);
  std::optional<uint64_t> MaybeAppend(uint64_t index, uint64_t log_term, uint64_t committed,
                                      std::vector<Entry>&& entries);
  // Same, moving the entries out of an AppendEntries message.
  std::optional<uint64_t> MaybeAppend(uint64_t index, uint64_t log_term, uint64_t committed,
                                      google::protobuf::RepeatedPtrField<Entry>* entries);
  // Appends at the end (or truncates then appends); returns the new last index.
  uint64_t Append(std::vector<Entry> entries);
  // Same, moving the entries out of `entries`.
  uint64_t Append(absl::Span<Entry> entries);
  // Index of the first entry in `entries` that is missing from or conflicts with our log; 0 if
  // none.
  uint64_t FindConflict(const std::vector<Entry>& entries) const;
  // The largest index <= index whose term is <= term (a fast-backtracking hint).
  uint64_t FindConflictByTerm(uint64_t index, uint64_t term) const;

  // Unstable entries not yet handed to the application.
  const std::vector<Entry>& UnstableEntries() const { return unstable_.entries(); }
  // Moves the unstable entries out for the application to persist. Until StableTo
  // reports them persisted they are in flight: their terms are known, their data is not.
  std::vector<Entry> TakeUnstableEntries() { return unstable_.TakeEntries(); }
  // Whether entry i is in flight (see TakeUnstableEntries).
  bool IsInFlight(uint64_t i) const {
    return i >= unstable_.offset() && i < unstable_.held_offset();
  }
  // Committed entries not yet applied (bounded by max_next_entries_size).
  std::vector<Entry> NextEntries() const;
  bool HasNextEntries() const;
  bool HasPendingSnapshot() const { return unstable_.snapshot().has_value(); }
  absl::StatusOr<raftpb::Snapshot> Snapshot() const;
  const std::optional<raftpb::Snapshot>& UnstableSnapshot() const { return unstable_.snapshot(); }

  // Entries from i on, at most max_bytes (at least one), stopping before in-flight entries.
  absl::StatusOr<std::vector<Entry>> Entries(uint64_t i, uint64_t max_bytes) const;
  // Same as Entries, appended to the entries of a message (no intermediate copy).
  absl::Status CopyEntriesTo(uint64_t i, uint64_t max_bytes,
                             google::protobuf::RepeatedPtrField<Entry>* out) const;
  // Entries in [lo, hi), at most max_bytes (at least one). None may be in flight.
  absl::StatusOr<std::vector<Entry>> Slice(uint64_t lo, uint64_t hi, uint64_t max_bytes) const;

  // Commits up to max_index if that entry belongs to `term` (§5.4.2). Returns whether commit moved.
  bool MaybeCommit(uint64_t max_index, uint64_t term);
  void CommitTo(uint64_t index);
  void AppliedTo(uint64_t index);
  void StableTo(uint64_t i, uint64_t t) { unstable_.StableTo(i, t); }
  void StableSnapTo(uint64_t i) { unstable_.StableSnapTo(i); }
  void Restore(const raftpb::Snapshot& snapshot);

  uint64_t committed() const { return committed_; }
  uint64_t applied() const { return applied_; }
  Storage* storage() const { return storage_; }

 private:
  absl::Status CheckOutOfBounds(uint64_t lo, uint64_t hi) const;
  // Slice into a VectorSink or MessageSink (raft_log.cc); bounds already checked.
  template <typename Sink>
  absl::Status SliceInto(uint64_t lo, uint64_t hi, uint64_t max_bytes, Sink* out) const;
  // One past the last entry whose data can be read (the first in-flight entry, if any).
  uint64_t ReadableEnd() const;

  Storage* storage_;
  Unstable unstable_;
  uint64_t committed_ = 0;
  uint64_t applied_ = 0;
  uint64_t max_next_entries_size_;
};

}  // namespace raftkv::raft

#endif  // RAFTKV_RAFT_RAFT_LOG_H_
