#include "raft/raft_log.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace raftkv::raft {

namespace {

// Slice destinations: a vector (committed entries) or the entries of a message.
struct VectorSink {
  std::vector<Entry>* out;
  void Take(std::vector<Entry>&& entries) {
    if (out->empty()) {
      *out = std::move(entries);
      return;
    }
    out->insert(out->end(), std::make_move_iterator(entries.begin()),
                std::make_move_iterator(entries.end()));
  }
  void Copy(std::vector<Entry>::const_iterator begin, std::vector<Entry>::const_iterator end) {
    out->insert(out->end(), begin, end);
  }
};

struct MessageSink {
  google::protobuf::RepeatedPtrField<Entry>* out;
  void Take(std::vector<Entry>&& entries) {
    out->Reserve(out->size() + static_cast<int>(entries.size()));
    for (Entry& e : entries) out->AddAllocated(new Entry(std::move(e)));
  }
  void Copy(std::vector<Entry>::const_iterator begin, std::vector<Entry>::const_iterator end) {
    out->Reserve(out->size() + static_cast<int>(end - begin));
    // Copy-construct: cheaper than Add() (default construction) plus CopyFrom.
    for (auto it = begin; it != end; ++it) out->AddAllocated(new Entry(*it));
  }
};

}  // namespace

RaftLog::RaftLog(Storage* storage, uint64_t max_next_entries_size)
    : storage_(storage), max_next_entries_size_(max_next_entries_size) {
  const uint64_t first = storage->FirstIndex();
  unstable_.set_offset(storage->LastIndex() + 1);
  // Everything before the snapshot is committed and applied by definition.
  committed_ = first - 1;
  applied_ = first - 1;
}

uint64_t RaftLog::FirstIndex() const {
  if (auto i = unstable_.MaybeFirstIndex()) return *i;
  return storage_->FirstIndex();
}

uint64_t RaftLog::LastIndex() const {
  if (auto i = unstable_.MaybeLastIndex()) return *i;
  return storage_->LastIndex();
}

uint64_t RaftLog::LastTerm() const { return TermOrZero(LastIndex()); }

absl::StatusOr<uint64_t> RaftLog::Term(uint64_t i) const {
  // Hot path (every append and commit check): the unstable tail answers in O(1)
  // without asking storage, which may take a lock.
  if (i >= unstable_.offset()) {
    if (auto t = unstable_.MaybeTerm(i)) return *t;
  }
  const uint64_t dummy = FirstIndex() - 1;
  if (i < dummy) return CompactedError();
  if (i > LastIndex()) return uint64_t{0};
  if (auto t = unstable_.MaybeTerm(i)) return *t;
  auto t = storage_->Term(i);
  if (t.ok()) return t;
  if (IsCompacted(t.status()) || IsEntryUnavailable(t.status())) return t.status();
  RaftPanic(std::string(t.status().message()));
}

uint64_t RaftLog::TermOrZero(uint64_t i) const {
  auto t = Term(i);
  return t.ok() ? *t : 0;
}

bool RaftLog::MatchTerm(uint64_t i, uint64_t term) const {
  auto t = Term(i);
  return t.ok() && *t == term;
}

bool RaftLog::IsUpToDate(uint64_t last_index, uint64_t last_term) const {
  const uint64_t our_term = LastTerm();
  return last_term > our_term || (last_term == our_term && last_index >= LastIndex());
}

std::optional<uint64_t> RaftLog::MaybeAppend(uint64_t index, uint64_t log_term, uint64_t committed,
                                             const std::vector<Entry>& entries) {
  return MaybeAppend(index, log_term, committed, std::vector<Entry>(entries));
}

std::optional<uint64_t> RaftLog::MaybeAppend(uint64_t index, uint64_t log_term, uint64_t committed,
                                             std::vector<Entry>&& entries) {
  if (!MatchTerm(index, log_term)) return std::nullopt;
  const uint64_t last_new = index + entries.size();
  const uint64_t conflict = FindConflict(entries);
  if (conflict != 0) {
    RAFT_CHECK(conflict > committed_,
               absl::StrCat("entry ", conflict, " conflicts with committed entry ", committed_));
    const size_t skip = conflict - (index + 1);
    if (skip > 0) entries.erase(entries.begin(), entries.begin() + skip);
    Append(std::move(entries));
  }
  // Only what the leader proved we share with it may be committed.
  CommitTo(std::min(committed, last_new));
  return last_new;
}

std::optional<uint64_t> RaftLog::MaybeAppend(uint64_t index, uint64_t log_term, uint64_t committed,
                                             google::protobuf::RepeatedPtrField<Entry>* entries) {
  if (!MatchTerm(index, log_term)) return std::nullopt;
  const uint64_t last_new = index + entries->size();
  for (int k = 0; k < entries->size(); ++k) {
    const Entry& e = entries->Get(k);
    if (MatchTerm(e.index(), e.term())) continue;
    RAFT_CHECK(e.index() > committed_,
               absl::StrCat("entry ", e.index(), " conflicts with committed entry ", committed_));
    unstable_.TruncateAndAppend(entries, k);
    break;
  }
  // Only what the leader proved we share with it may be committed.
  CommitTo(std::min(committed, last_new));
  return last_new;
}

uint64_t RaftLog::Append(std::vector<Entry> entries) {
  if (entries.empty()) return LastIndex();
  RAFT_CHECK(entries[0].index() > committed_,
             absl::StrCat("append at ", entries[0].index(), " below commit ", committed_));
  unstable_.TruncateAndAppend(std::move(entries));
  return LastIndex();
}

uint64_t RaftLog::Append(absl::Span<Entry> entries) {
  if (entries.empty()) return LastIndex();
  RAFT_CHECK(entries[0].index() > committed_,
             absl::StrCat("append at ", entries[0].index(), " below commit ", committed_));
  unstable_.TruncateAndAppend(entries);
  return LastIndex();
}

uint64_t RaftLog::FindConflict(const std::vector<Entry>& entries) const {
  for (const Entry& e : entries) {
    if (!MatchTerm(e.index(), e.term())) return e.index();
  }
  return 0;
}

uint64_t RaftLog::FindConflictByTerm(uint64_t index, uint64_t term) const {
  const uint64_t last = LastIndex();
  if (index > last) return index;
  while (true) {
    auto t = Term(index);
    if (!t.ok() || *t <= term) return index;
    --index;
  }
}

uint64_t RaftLog::ReadableEnd() const {
  if (unstable_.held_offset() > unstable_.offset()) return unstable_.offset();
  return LastIndex() + 1;
}

std::vector<Entry> RaftLog::NextEntries() const {
  const uint64_t lo = std::max(applied_ + 1, FirstIndex());
  const uint64_t hi = std::min(committed_ + 1, ReadableEnd());
  if (hi <= lo) return {};
  auto ents = Slice(lo, hi, max_next_entries_size_);
  RAFT_CHECK(ents.ok(), absl::StrCat("unexpected error getting committed entries: ",
                                     ents.status().ToString()));
  return std::move(*ents);
}

bool RaftLog::HasNextEntries() const {
  return std::min(committed_ + 1, ReadableEnd()) > std::max(applied_ + 1, FirstIndex());
}

absl::StatusOr<raftpb::Snapshot> RaftLog::Snapshot() const {
  if (unstable_.snapshot()) return *unstable_.snapshot();
  return storage_->Snapshot();
}

absl::StatusOr<std::vector<Entry>> RaftLog::Entries(uint64_t i, uint64_t max_bytes) const {
  const uint64_t end = ReadableEnd();
  if (i >= end) return std::vector<Entry>{};
  return Slice(i, end, max_bytes);
}

absl::Status RaftLog::CopyEntriesTo(uint64_t i, uint64_t max_bytes,
                                    google::protobuf::RepeatedPtrField<Entry>* out) const {
  const uint64_t end = ReadableEnd();
  if (i >= end) return absl::OkStatus();
  if (auto st = CheckOutOfBounds(i, end); !st.ok()) return st;
  MessageSink sink{out};
  return SliceInto(i, end, max_bytes, &sink);
}

absl::Status RaftLog::CheckOutOfBounds(uint64_t lo, uint64_t hi) const {
  RAFT_CHECK(lo <= hi, absl::StrCat("invalid slice ", lo, " > ", hi));
  if (lo < FirstIndex()) return CompactedError();
  RAFT_CHECK(hi <= LastIndex() + 1,
             absl::StrCat("slice [", lo, ",", hi, ") out of bound, last ", LastIndex()));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Entry>> RaftLog::Slice(uint64_t lo, uint64_t hi,
                                                  uint64_t max_bytes) const {
  if (auto st = CheckOutOfBounds(lo, hi); !st.ok()) return st;
  std::vector<Entry> out;
  VectorSink sink{&out};
  if (auto st = SliceInto(lo, hi, max_bytes, &sink); !st.ok()) return st;
  return out;
}

template <typename Sink>
absl::Status RaftLog::SliceInto(uint64_t lo, uint64_t hi, uint64_t max_bytes, Sink* out) const {
  if (lo == hi) return absl::OkStatus();
  const uint64_t offset = unstable_.offset();
  uint64_t used = 0;
  size_t taken = 0;
  if (lo < offset) {
    auto stored = storage_->Entries(lo, std::min(hi, offset), max_bytes);
    if (!stored.ok()) {
      if (IsCompacted(stored.status())) return stored.status();
      RaftPanic(absl::StrCat("storage entries [", lo, ",", std::min(hi, offset),
                             "): ", stored.status().ToString()));
    }
    LimitSize(&*stored, max_bytes);
    taken = stored->size();
    for (const Entry& e : *stored) used += EntrySize(e);
    out->Take(std::move(*stored));
    // Storage stopped early because of the byte cap: do not add unstable entries.
    if (taken < std::min(hi, offset) - lo) return absl::OkStatus();
  }
  if (hi > offset) {
    // Decide how many entries fit before copying any: copying the whole unstable tail
    // and truncating afterwards would cost O(tail) per message.
    const uint64_t from = std::max(lo, offset);
    const uint64_t held = unstable_.held_offset();
    RAFT_CHECK(from >= held, absl::StrCat("slice [", lo, ",", hi, ") reads entries in flight to ",
                                          "storage (before ", held, ")"));
    const std::vector<Entry>& tail = unstable_.entries();
    uint64_t end = from;
    for (; end < hi; ++end) {
      used += EntrySize(tail[end - held]);
      const bool first_overall = taken == 0 && end == from;
      if (used > max_bytes && !first_overall) break;
    }
    out->Copy(tail.begin() + (from - held), tail.begin() + (end - held));
  }
  return absl::OkStatus();
}

bool RaftLog::MaybeCommit(uint64_t max_index, uint64_t term) {
  if (max_index > committed_ && TermOrZero(max_index) == term) {
    CommitTo(max_index);
    return true;
  }
  return false;
}

void RaftLog::CommitTo(uint64_t index) {
  if (index <= committed_) return;  // commit never moves backwards
  RAFT_CHECK(index <= LastIndex(),
             absl::StrCat("commit ", index, " is out of range [last ", LastIndex(),
                          "]: log corrupted, truncated or lost?"));
  committed_ = index;
}

void RaftLog::AppliedTo(uint64_t index) {
  if (index == 0) return;
  RAFT_CHECK(index <= committed_ && index >= applied_,
             absl::StrCat("applied ", index, " out of range [", applied_, ",", committed_, "]"));
  applied_ = index;
}

void RaftLog::Restore(const raftpb::Snapshot& snapshot) {
  committed_ = snapshot.metadata().index();
  unstable_.Restore(snapshot);
}

}  // namespace raftkv::raft
