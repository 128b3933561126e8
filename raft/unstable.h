// The tail of the log (and possibly an incoming snapshot) not yet persisted by the application.
#ifndef RAFTKV_RAFT_UNSTABLE_H_
#define RAFTKV_RAFT_UNSTABLE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "raft/util.h"

namespace raftkv::raft {

class Unstable {
 public:
  // First index covered by the unstable snapshot, if there is one.
  std::optional<uint64_t> MaybeFirstIndex() const;
  // Last index held here (entries or snapshot), if any.
  std::optional<uint64_t> MaybeLastIndex() const;
  std::optional<uint64_t> MaybeTerm(uint64_t i) const;

  // The application persisted entries up to (i, t): drop them from here.
  void StableTo(uint64_t i, uint64_t t);
  void StableSnapTo(uint64_t i);
  void Restore(const raftpb::Snapshot& snapshot);
  // Appends, replacing whatever conflicts (entries at or after entries[0].index()).
  void TruncateAndAppend(std::vector<Entry> entries);
  // Entries in [lo, hi); the caller guarantees the range is held here.
  void Slice(uint64_t lo, uint64_t hi, std::vector<Entry>* out) const;

  const std::vector<Entry>& entries() const { return entries_; }
  const std::optional<raftpb::Snapshot>& snapshot() const { return snapshot_; }
  uint64_t offset() const { return offset_; }
  void set_offset(uint64_t offset) { offset_ = offset; }

 private:
  std::optional<raftpb::Snapshot> snapshot_;
  std::vector<Entry> entries_;
  // Log index of entries_[0].
  uint64_t offset_ = 0;
};

}  // namespace raftkv::raft

#endif  // RAFTKV_RAFT_UNSTABLE_H_
