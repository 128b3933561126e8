#include "raft/unstable.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace raftkv::raft {

std::optional<uint64_t> Unstable::MaybeFirstIndex() const {
  if (snapshot_) return snapshot_->metadata().index() + 1;
  return std::nullopt;
}

std::optional<uint64_t> Unstable::MaybeLastIndex() const {
  const uint64_t end = held_offset() + entries_.size();
  if (end > offset_) return end - 1;
  if (snapshot_) return snapshot_->metadata().index();
  return std::nullopt;
}

std::optional<uint64_t> Unstable::MaybeTerm(uint64_t i) const {
  if (i < offset_) {
    if (snapshot_ && snapshot_->metadata().index() == i) return snapshot_->metadata().term();
    return std::nullopt;
  }
  const uint64_t held = held_offset();
  if (i < held) return handed_terms_[i - offset_];
  if (i - held >= entries_.size()) return std::nullopt;
  return entries_[i - held].term();
}

void Unstable::StableTo(uint64_t i, uint64_t t) {
  auto term = MaybeTerm(i);
  // Only drop what is really stable: if the entry at i was replaced meanwhile (a
  // conflicting append after the Ready was taken), the new one still needs persisting.
  if (!term || *term != t || i < offset_) return;
  const uint64_t count = i + 1 - offset_;
  if (count <= handed_terms_.size()) {
    handed_terms_.erase(handed_terms_.begin(), handed_terms_.begin() + count);
  } else {
    const uint64_t held = count - handed_terms_.size();
    handed_terms_.clear();
    entries_.erase(entries_.begin(), entries_.begin() + held);
  }
  offset_ = i + 1;
}

void Unstable::StableSnapTo(uint64_t i) {
  if (snapshot_ && snapshot_->metadata().index() == i) snapshot_.reset();
}

void Unstable::Restore(const raftpb::Snapshot& snapshot) {
  offset_ = snapshot.metadata().index() + 1;
  handed_terms_.clear();
  entries_.clear();
  snapshot_ = snapshot;
}

void Unstable::TruncateFrom(uint64_t after) {
  const uint64_t held = held_offset();
  if (after == held + entries_.size()) {
    // The common case: a plain append at the end.
  } else if (after <= offset_) {
    // The new entries replace everything we hold.
    offset_ = after;
    handed_terms_.clear();
    entries_.clear();
  } else if (after <= held) {
    // They replace part of what the application is persisting: the rest of the
    // handed-out entries will not be reported stable (their terms no longer match).
    handed_terms_.resize(after - offset_);
    entries_.clear();
  } else {
    entries_.resize(after - held);
  }
}

void Unstable::ReserveMore(size_t n) {
  // Geometric growth even when called batch by batch (an exact reserve would reallocate
  // on every batch).
  if (entries_.capacity() < entries_.size() + n) {
    entries_.reserve(std::max(entries_.size() + n, 2 * entries_.capacity()));
  }
}

void Unstable::TruncateAndAppend(std::vector<Entry> entries) {
  if (entries.empty()) return;
  TruncateFrom(entries[0].index());
  if (entries_.empty() && entries_.capacity() < entries.size()) {
    entries_ = std::move(entries);
    return;
  }
  ReserveMore(entries.size());
  for (Entry& e : entries) entries_.push_back(std::move(e));
}

void Unstable::TruncateAndAppend(absl::Span<Entry> entries) {
  if (entries.empty()) return;
  TruncateFrom(entries[0].index());
  ReserveMore(entries.size());
  for (Entry& e : entries) entries_.push_back(std::move(e));
}

void Unstable::TruncateAndAppend(google::protobuf::RepeatedPtrField<Entry>* entries, int from) {
  if (from >= entries->size()) return;
  TruncateFrom(entries->Get(from).index());
  ReserveMore(entries->size() - from);
  for (int i = from; i < entries->size(); ++i) entries_.push_back(std::move(*entries->Mutable(i)));
}

void Unstable::Slice(uint64_t lo, uint64_t hi, std::vector<Entry>* out) const {
  const uint64_t held = held_offset();
  RAFT_CHECK(lo >= held && hi <= held + entries_.size() && lo <= hi,
             absl::StrCat("unstable slice [", lo, ",", hi, ") out of [", held, ",",
                          held + entries_.size(), ")"));
  out->insert(out->end(), entries_.begin() + (lo - held), entries_.begin() + (hi - held));
}

std::vector<Entry> Unstable::TakeEntries() {
  // Keep the capacity when there is nothing to take (a Ready without new entries).
  if (entries_.empty()) return {};
  for (const Entry& e : entries_) handed_terms_.push_back(e.term());
  std::vector<Entry> taken = std::move(entries_);
  entries_.clear();
  // Keep room for the next batch so that appends do not regrow the vector step by step.
  entries_.reserve(taken.size());
  return taken;
}

}  // namespace raftkv::raft
