#include "raft/memory_storage.h"

#include "absl/strings/str_cat.h"
#include "raft/util.h"

namespace raftkv::raft {

MemoryStorage::MemoryStorage() { entries_.emplace_back(); }

absl::StatusOr<std::pair<raftpb::HardState, raftpb::ConfState>> MemoryStorage::InitialState()
    const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::make_pair(hard_state_, snapshot_.metadata().conf_state());
}

absl::StatusOr<std::vector<raftpb::Entry>> MemoryStorage::Entries(uint64_t lo, uint64_t hi,
                                                                  uint64_t max_bytes) const {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t offset = entries_[0].index();
  if (lo <= offset) return CompactedError();
  if (hi > LastIndexLocked() + 1) return EntryUnavailableError();
  // Size the result before copying: the byte cap may keep far fewer than hi - lo.
  uint64_t end = lo;
  uint64_t total = 0;
  for (; end < hi; ++end) {
    total += EntrySize(entries_[end - offset]);
    if (end > lo && total > max_bytes) break;
  }
  return std::vector<raftpb::Entry>(entries_.begin() + (lo - offset),
                                    entries_.begin() + (end - offset));
}

absl::StatusOr<uint64_t> MemoryStorage::Term(uint64_t i) const {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t offset = entries_[0].index();
  if (i < offset) return CompactedError();
  if (i - offset >= entries_.size()) return EntryUnavailableError();
  return entries_[i - offset].term();
}

uint64_t MemoryStorage::FirstIndex() const {
  std::lock_guard<std::mutex> lock(mu_);
  return FirstIndexLocked();
}

uint64_t MemoryStorage::LastIndex() const {
  std::lock_guard<std::mutex> lock(mu_);
  return LastIndexLocked();
}

absl::StatusOr<raftpb::Snapshot> MemoryStorage::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshot_;
}

void MemoryStorage::SetHardState(const raftpb::HardState& state) {
  std::lock_guard<std::mutex> lock(mu_);
  hard_state_ = state;
}

raftpb::HardState MemoryStorage::hard_state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hard_state_;
}

absl::StatusOr<std::optional<std::pair<size_t, size_t>>> MemoryStorage::PlaceLocked(
    const std::vector<raftpb::Entry>& entries) const {
  const uint64_t first = FirstIndexLocked();
  const uint64_t last_new = entries.back().index();
  if (last_new < first) return std::nullopt;  // everything already compacted
  const size_t skip = entries[0].index() < first ? first - entries[0].index() : 0;
  const uint64_t start = entries[skip].index();
  if (start > LastIndexLocked() + 1) {
    return absl::InternalError(
        absl::StrCat("missing log entry: last ", LastIndexLocked(), ", appending at ", start));
  }
  return std::make_pair(static_cast<size_t>(start - entries_[0].index()), skip);
}

absl::Status MemoryStorage::Append(const std::vector<raftpb::Entry>& entries) {
  if (entries.empty()) return absl::OkStatus();
  std::lock_guard<std::mutex> lock(mu_);
  auto place = PlaceLocked(entries);
  if (!place.ok()) return place.status();
  if (!*place) return absl::OkStatus();
  const auto [keep, skip] = **place;
  entries_.resize(keep);  // drops the conflicting suffix, if any
  entries_.insert(entries_.end(), entries.begin() + skip, entries.end());
  return absl::OkStatus();
}

absl::Status MemoryStorage::Append(std::vector<raftpb::Entry>&& entries) {
  if (entries.empty()) return absl::OkStatus();
  std::lock_guard<std::mutex> lock(mu_);
  auto place = PlaceLocked(entries);
  if (!place.ok()) return place.status();
  if (!*place) return absl::OkStatus();
  const auto [keep, skip] = **place;
  entries_.resize(keep);  // drops the conflicting suffix, if any
  entries_.insert(entries_.end(), std::make_move_iterator(entries.begin() + skip),
                  std::make_move_iterator(entries.end()));
  return absl::OkStatus();
}

absl::Status MemoryStorage::ApplySnapshot(const raftpb::Snapshot& snapshot) {
  std::lock_guard<std::mutex> lock(mu_);
  if (snapshot.metadata().index() < snapshot_.metadata().index()) {
    return absl::FailedPreconditionError("requested snapshot is out of date");
  }
  snapshot_ = snapshot;
  entries_.clear();
  entries_.emplace_back();
  entries_[0].set_index(snapshot.metadata().index());
  entries_[0].set_term(snapshot.metadata().term());
  return absl::OkStatus();
}

absl::StatusOr<raftpb::Snapshot> MemoryStorage::CreateSnapshot(uint64_t index,
                                                               const raftpb::ConfState* conf_state,
                                                               std::string data) {
  std::lock_guard<std::mutex> lock(mu_);
  if (index <= snapshot_.metadata().index()) {
    return absl::FailedPreconditionError("requested snapshot is out of date");
  }
  if (index > LastIndexLocked()) {
    return absl::OutOfRangeError(
        absl::StrCat("snapshot index ", index, " is beyond last index ", LastIndexLocked()));
  }
  const uint64_t offset = entries_[0].index();
  auto* meta = snapshot_.mutable_metadata();
  meta->set_index(index);
  meta->set_term(entries_[index - offset].term());
  if (conf_state != nullptr) *meta->mutable_conf_state() = *conf_state;
  snapshot_.set_data(std::move(data));
  return snapshot_;
}

absl::Status MemoryStorage::Compact(uint64_t index) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t offset = entries_[0].index();
  if (index <= offset) return CompactedError();
  if (index > LastIndexLocked()) {
    return absl::OutOfRangeError(
        absl::StrCat("compact index ", index, " is beyond last index ", LastIndexLocked()));
  }
  const size_t cut = index - offset;
  // Erase in place: the vector keeps its capacity, so the log does not regrow (and
  // reallocate every entry) after each compaction.
  entries_.erase(entries_.begin(), entries_.begin() + cut);
  // entries_[0] (former entry `index`) becomes the marker: only its index and term matter.
  entries_[0].clear_data();
  entries_[0].clear_type();
  return absl::OkStatus();
}

}  // namespace raftkv::raft
