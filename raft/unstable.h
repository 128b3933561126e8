// The tail of the log (and possibly an incoming snapshot) not yet persisted by the application.
//
// The tail has two parts. The entries handed to the application for persistence
// (TakeEntries) are remembered only by index and term: their data moved into the
// Ready, so it is not copied, and is read back from Storage once Advance reports it
// stable. The entries after them are held here in full.
#ifndef RAFTKV_RAFT_UNSTABLE_H_
#define RAFTKV_RAFT_UNSTABLE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/types/span.h"
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
  // Same, moving the entries out of `entries`.
  void TruncateAndAppend(absl::Span<Entry> entries);
  // Same, moving (*entries)[from...] out of a message.
  void TruncateAndAppend(google::protobuf::RepeatedPtrField<Entry>* entries, int from);
  // Entries in [lo, hi); the caller guarantees the range is held in full here
  // (lo >= held_offset()).
  void Slice(uint64_t lo, uint64_t hi, std::vector<Entry>* out) const;
  // Hands the held entries over to the application (moved, not copied); until
  // StableTo they are known by term only.
  std::vector<Entry> TakeEntries();

  // Entries held in full (not yet handed to the application).
  const std::vector<Entry>& entries() const { return entries_; }
  const std::optional<raftpb::Snapshot>& snapshot() const { return snapshot_; }
  // Log index of the first unstable entry (handed out or held).
  uint64_t offset() const { return offset_; }
  // Log index of entries()[0]: entries in [offset(), held_offset()) are handed out.
  uint64_t held_offset() const { return offset_ + handed_terms_.size(); }
  void set_offset(uint64_t offset) { offset_ = offset; }

 private:
  // Drops what would conflict with an append starting at index `after`.
  void TruncateFrom(uint64_t after);
  void ReserveMore(size_t n);

  std::optional<raftpb::Snapshot> snapshot_;
  // Terms of the entries in [offset_, held_offset()), being persisted by the application.
  std::vector<uint64_t> handed_terms_;
  // Entries from held_offset() on.
  std::vector<Entry> entries_;
  uint64_t offset_ = 0;
};

}  // namespace raftkv::raft

#endif  // RAFTKV_RAFT_UNSTABLE_H_
