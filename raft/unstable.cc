#include "raft/unstable.h"

#include "absl/strings/str_cat.h"

namespace raftkv::raft {

std::optional<uint64_t> Unstable::MaybeFirstIndex() const {
  if (snapshot_) return snapshot_->metadata().index() + 1;
  return std::nullopt;
}

std::optional<uint64_t> Unstable::MaybeLastIndex() const {
  if (!entries_.empty()) return offset_ + entries_.size() - 1;
  if (snapshot_) return snapshot_->metadata().index();
  return std::nullopt;
}

std::optional<uint64_t> Unstable::MaybeTerm(uint64_t i) const {
  if (i < offset_) {
    if (snapshot_ && snapshot_->metadata().index() == i) return snapshot_->metadata().term();
    return std::nullopt;
  }
  auto last = MaybeLastIndex();
  if (!last || i > *last) return std::nullopt;
  return entries_[i - offset_].term();
}

void Unstable::StableTo(uint64_t i, uint64_t t) {
  auto term = MaybeTerm(i);
  // Only drop what is really stable: if the entry at i was replaced meanwhile (a
  // conflicting append after the Ready was taken), the new one still needs persisting.
  if (!term || *term != t || i < offset_) return;
  entries_.erase(entries_.begin(), entries_.begin() + (i + 1 - offset_));
  offset_ = i + 1;
}

void Unstable::StableSnapTo(uint64_t i) {
  if (snapshot_ && snapshot_->metadata().index() == i) snapshot_.reset();
}

void Unstable::Restore(const raftpb::Snapshot& snapshot) {
  offset_ = snapshot.metadata().index() + 1;
  entries_.clear();
  snapshot_ = snapshot;
}

void Unstable::TruncateAndAppend(std::vector<Entry> entries) {
  if (entries.empty()) return;
  const uint64_t after = entries[0].index();
  if (after == offset_ + entries_.size()) {
    // The common case: a plain append at the end.
  } else if (after <= offset_) {
    // The new entries replace everything we hold.
    offset_ = after;
    entries_.clear();
  } else {
    entries_.resize(after - offset_);
  }
  if (entries_.empty()) {
    entries_ = std::move(entries);
    return;
  }
  entries_.insert(entries_.end(), std::make_move_iterator(entries.begin()),
                  std::make_move_iterator(entries.end()));
}

void Unstable::Slice(uint64_t lo, uint64_t hi, std::vector<Entry>* out) const {
  RAFT_CHECK(lo >= offset_ && hi <= offset_ + entries_.size() && lo <= hi,
             absl::StrCat("unstable slice [", lo, ",", hi, ") out of [", offset_, ",",
                          offset_ + entries_.size(), ")"));
  out->insert(out->end(), entries_.begin() + (lo - offset_), entries_.begin() + (hi - offset_));
}

}  // namespace raftkv::raft
