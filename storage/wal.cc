#include "storage/wal.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spdlog/spdlog.h"
#include "storage/wal_record.h"

namespace raftkv::storage {
namespace {

constexpr absl::string_view kSegmentSuffix = ".wal";
constexpr absl::string_view kTempSuffix = ".tmp";

std::string SegmentName(uint64_t seq, uint64_t first_index) {
  return absl::StrFormat("%016x-%016x.wal", seq, first_index);
}

// Parses "<16 hex>-<16 hex>.wal"; false for any other name.
bool ParseSegmentName(const std::string& name, uint64_t* seq, uint64_t* first_index) {
  if (name.size() != 16 + 1 + 16 + kSegmentSuffix.size() || !absl::EndsWith(name, kSegmentSuffix))
    return false;
  for (size_t i = 0; i < 33; ++i) {
    const char c = name[i];
    const bool ok = i == 16 ? c == '-' : ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    if (!ok) return false;
  }
  return std::sscanf(name.c_str(), "%16" SCNx64 "-%16" SCNx64, seq, first_index) == 2;
}

bool IsEmptyHardState(const raftpb::HardState& hs) {
  return hs.term() == 0 && hs.vote() == 0 && hs.commit() == 0;
}

bool SameHardState(const raftpb::HardState& a, const raftpb::HardState& b) {
  return a.term() == b.term() && a.vote() == b.vote() && a.commit() == b.commit();
}

std::string ParentDir(const std::string& dir) {
  std::string d = dir;
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  const size_t slash = d.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return d.substr(0, slash);
}

// mkdir -p, then fsync the parent so the new directory entry itself is durable.
absl::Status CreateDirs(FileSystem* fs, const std::string& dir) {
  for (size_t pos = dir.find('/', 1); pos != std::string::npos; pos = dir.find('/', pos + 1)) {
    absl::Status s = fs->CreateDir(dir.substr(0, pos));
    if (!s.ok()) return s;
  }
  absl::Status s = fs->CreateDir(dir);
  if (!s.ok()) return s;
  return fs->SyncDir(ParentDir(dir));
}

absl::Status CorruptAt(const std::string& path, uint64_t offset, absl::string_view reason) {
  return absl::DataLossError(
      absl::StrCat("wal: corrupt record in ", path, " at offset ", offset, ": ", reason));
}

}  // namespace

// Folds records, in log order, into the recovered WalContents.
class Wal::Replayer {
 public:
  absl::Status Apply(const WalRecord& record, const std::string& path) {
    switch (record.type) {
      case WalRecordType::kMetadata:
        return ApplyMetadata(record, path);
      case WalRecordType::kEntry:
        return ApplyEntry(record, path);
      case WalRecordType::kHardState:
        if (!contents_.hard_state.ParseFromArray(record.payload.data(),
                                                 static_cast<int>(record.payload.size()))) {
          return CorruptAt(path, record.offset, "unparsable hard state");
        }
        return absl::OkStatus();
      case WalRecordType::kSnapshotMark:
        return ApplySnapshotMark(record, path);
    }
    return CorruptAt(path, record.offset, "unknown record type");
  }

  absl::StatusOr<WalContents> Finish(const std::string& dir) {
    if (!has_metadata_) return absl::DataLossError(absl::StrCat("wal: no metadata in ", dir));
    const uint64_t snap = contents_.snapshot.index();
    if (snap > 0 && !contents_.entries.empty() && contents_.entries.front().index() != snap + 1) {
      return absl::DataLossError(absl::StrCat("wal: entries in ", dir, " start at index ",
                                              contents_.entries.front().index(),
                                              " but the snapshot mark is at index ", snap));
    }
    return std::move(contents_);
  }

 private:
  absl::Status ApplyMetadata(const WalRecord& record, const std::string& path) {
    if (has_metadata_ && contents_.metadata != record.payload) {
      return CorruptAt(path, record.offset, "metadata differs from earlier segments");
    }
    contents_.metadata = std::string(record.payload);
    has_metadata_ = true;
    return absl::OkStatus();
  }

  absl::Status ApplyEntry(const WalRecord& record, const std::string& path) {
    raftpb::Entry entry;
    if (!entry.ParseFromArray(record.payload.data(), static_cast<int>(record.payload.size()))) {
      return CorruptAt(path, record.offset, "unparsable entry");
    }
    const uint64_t index = entry.index();
    if (index <= contents_.snapshot.index()) return absl::OkStatus();  // covered by snapshot
    auto& entries = contents_.entries;
    // An empty list accepts any index: replay may start at a segment whose first
    // entries were released; Finish() checks the result reaches the snapshot.
    if (!entries.empty()) {
      const uint64_t first = entries.front().index();
      const uint64_t last = entries.back().index();
      if (index > last + 1) {
        return CorruptAt(path, record.offset,
                         absl::StrCat("entry index ", index, " leaves a gap after ", last));
      }
      // A rewritten index drops it and everything after it (overwritten suffix).
      entries.resize(index < first ? 0 : index - first);
    }
    entries.push_back(std::move(entry));
    return absl::OkStatus();
  }

  absl::Status ApplySnapshotMark(const WalRecord& record, const std::string& path) {
    raftpb::SnapshotMetadata mark;
    if (!mark.ParseFromArray(record.payload.data(), static_cast<int>(record.payload.size()))) {
      return CorruptAt(path, record.offset, "unparsable snapshot mark");
    }
    // Segment headers repeat older marks; only a newer one changes anything.
    if (mark.index() < contents_.snapshot.index()) return absl::OkStatus();
    auto& entries = contents_.entries;
    auto covered = std::find_if(entries.begin(), entries.end(),
                                [&](const raftpb::Entry& e) { return e.index() > mark.index(); });
    entries.erase(entries.begin(), covered);
    contents_.snapshot = std::move(mark);
    return absl::OkStatus();
  }

  WalContents contents_;
  bool has_metadata_ = false;
};

Wal::Wal(std::string dir, WalOptions options) : dir_(std::move(dir)), options_(options) {}

Wal::~Wal() { (void)Close(); }

bool Wal::Exists(const std::string& dir, FileSystem* fs) {
  auto names = fs->ListDir(dir);
  if (!names.ok()) return false;
  uint64_t seq, first;
  return std::any_of(names->begin(), names->end(),
                     [&](const std::string& n) { return ParseSegmentName(n, &seq, &first); });
}

absl::StatusOr<std::unique_ptr<Wal>> Wal::Create(const std::string& dir, absl::string_view metadata,
                                                 WalOptions options) {
  if (Exists(dir, options.fs)) {
    return absl::AlreadyExistsError(absl::StrCat("wal: a log already exists in ", dir));
  }
  absl::Status s = CreateDirs(options.fs, dir);
  if (!s.ok()) return s;
  std::unique_ptr<Wal> wal(new Wal(dir, options));
  wal->metadata_ = std::string(metadata);
  s = wal->StartSegment(/*seq=*/1, /*first_index=*/1);
  if (!s.ok()) return s;
  wal->recovered_.metadata = wal->metadata_;
  return wal;
}

absl::StatusOr<std::unique_ptr<Wal>> Wal::Open(const std::string& dir, WalOptions options) {
  FileSystem* fs = options.fs;
  auto names = fs->ListDir(dir);
  if (!names.ok()) return names.status();
  std::unique_ptr<Wal> wal(new Wal(dir, options));
  for (const std::string& name : *names) {
    uint64_t seq, first;
    if (ParseSegmentName(name, &seq, &first)) {
      wal->segments_.push_back({seq, first, JoinPath(dir, name)});
    } else if (absl::EndsWith(name, absl::StrCat(kSegmentSuffix, kTempSuffix))) {
      // A segment whose creation a crash interrupted: never renamed, so never used.
      (void)fs->RemoveFile(JoinPath(dir, name));
    }
  }
  if (wal->segments_.empty()) return absl::NotFoundError(absl::StrCat("wal: no log in ", dir));
  auto& segments = wal->segments_;
  std::sort(segments.begin(), segments.end(),
            [](const Segment& a, const Segment& b) { return a.seq < b.seq; });
  for (size_t i = 1; i < segments.size(); ++i) {
    if (segments[i].seq != segments[i - 1].seq + 1) {
      return absl::DataLossError(absl::StrCat("wal: missing segment between ", segments[i - 1].path,
                                              " and ", segments[i].path));
    }
  }

  Replayer replayer;
  std::string contents;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& path = segments[i].path;
    absl::Status s = fs->ReadFileToString(path, &contents);
    if (!s.ok()) return s;
    WalRecordReader reader(contents);
    WalRecord record;
    WalBadRecord bad;
    WalRecordReader::Result r;
    while ((r = reader.Next(&record, &bad)) == WalRecordReader::Result::kRecord) {
      s = replayer.Apply(record, path);
      if (!s.ok()) return s;
    }
    if (r == WalRecordReader::Result::kEnd) continue;
    const bool last_segment = i + 1 == segments.size();
    if (!last_segment || !bad.could_be_torn_tail) return CorruptAt(path, bad.offset, bad.reason);
    spdlog::warn("wal: truncating torn tail of {} at offset {} ({}; {} bytes dropped)", path,
                 bad.offset, bad.reason, contents.size() - bad.offset);
    s = fs->TruncateFile(path, bad.offset);
    if (!s.ok()) return s;
  }

  auto recovered = replayer.Finish(dir);
  if (!recovered.ok()) return recovered.status();
  wal->recovered_ = *std::move(recovered);
  wal->metadata_ = wal->recovered_.metadata;
  wal->hard_state_ = wal->recovered_.hard_state;
  wal->snapshot_ = wal->recovered_.snapshot;
  const auto& entries = wal->recovered_.entries;
  wal->last_index_ = entries.empty() ? wal->snapshot_.index() : entries.back().index();
  wal->has_entries_ = wal->last_index_ > 0;
  absl::Status s = wal->OpenLastSegmentForAppend();
  if (!s.ok()) return s;
  return wal;
}

absl::StatusOr<WalContents> Wal::ReadAll() {
  if (contents_taken_) return absl::FailedPreconditionError("wal: ReadAll called twice");
  contents_taken_ = true;
  return std::move(recovered_);
}

absl::Status Wal::CheckWritable() const {
  if (!sticky_error_.ok()) return sticky_error_;
  if (file_ == nullptr) return absl::FailedPreconditionError("wal: closed");
  return absl::OkStatus();
}

absl::Status Wal::Save(const raftpb::HardState& hard_state,
                       const std::vector<raftpb::Entry>& entries) {
  absl::Status s = CheckWritable();
  if (!s.ok()) return s;
  std::string records;
  std::string payload;
  uint64_t last = last_index_;
  bool has_entries = has_entries_;
  for (const raftpb::Entry& e : entries) {
    // Refuse what replay could not reproduce rather than write an unreadable log.
    if (e.index() <= snapshot_.index() && snapshot_.index() > 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("wal: entry ", e.index(), " is covered by snapshot ", snapshot_.index()));
    }
    if (has_entries && e.index() > last + 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("wal: entry ", e.index(), " leaves a gap after ", last));
    }
    e.SerializeToString(&payload);
    AppendWalRecord(WalRecordType::kEntry, payload, &records);
    last = e.index();
    has_entries = true;
  }
  bool sync = !entries.empty();
  const bool new_hard_state =
      !IsEmptyHardState(hard_state) && !SameHardState(hard_state, hard_state_);
  if (new_hard_state) {
    hard_state.SerializeToString(&payload);
    AppendWalRecord(WalRecordType::kHardState, payload, &records);
    sync =
        sync || hard_state.term() != hard_state_.term() || hard_state.vote() != hard_state_.vote();
  }
  if (records.empty()) return absl::OkStatus();
  s = AppendAndMaybeSync(records, sync);
  if (!s.ok()) return s;
  last_index_ = last;
  has_entries_ = has_entries;
  if (new_hard_state) hard_state_ = hard_state;
  return MaybeStartNextSegment();
}

absl::Status Wal::SaveSnapshotMark(const raftpb::SnapshotMetadata& snapshot) {
  absl::Status s = CheckWritable();
  if (!s.ok()) return s;
  if (snapshot.index() < snapshot_.index()) {
    return absl::FailedPreconditionError(absl::StrCat("wal: snapshot mark ", snapshot.index(),
                                                      " is older than ", snapshot_.index()));
  }
  std::string records;
  AppendWalRecord(WalRecordType::kSnapshotMark, snapshot.SerializeAsString(), &records);
  s = AppendAndMaybeSync(records, /*sync=*/true);
  if (!s.ok()) return s;
  snapshot_ = snapshot;
  last_index_ = std::max(last_index_, snapshot.index());
  has_entries_ = true;
  return MaybeStartNextSegment();
}

absl::Status Wal::ReleaseTo(uint64_t index) {
  // Entries above the snapshot are still needed to rebuild the state machine.
  index = std::min(index, snapshot_.index());
  // Keep the last segment started at or before `index`: every entry at or above
  // its first index was written into it or a later one (the log ended just
  // below that index when it was started).
  size_t keep = 0;
  for (size_t i = 0; i < segments_.size(); ++i) {
    if (segments_[i].first_index <= index) keep = i;
  }
  if (keep == 0) return absl::OkStatus();
  for (size_t i = 0; i < keep; ++i) {
    absl::Status s = options_.fs->RemoveFile(segments_[i].path);
    if (!s.ok()) return s;
  }
  segments_.erase(segments_.begin(), segments_.begin() + static_cast<ptrdiff_t>(keep));
  return options_.fs->SyncDir(dir_);
}

absl::Status Wal::Close() {
  if (file_ == nullptr) return absl::OkStatus();
  absl::Status s;
  if (unsynced_ && sticky_error_.ok()) s = file_->Sync();
  absl::Status c = file_->Close();
  file_.reset();
  return s.ok() ? c : s;
}

std::vector<std::string> Wal::SegmentPaths() const {
  std::vector<std::string> paths;
  for (const Segment& seg : segments_) paths.push_back(seg.path);
  return paths;
}

std::string Wal::SegmentHeaderRecords() const {
  std::string records;
  AppendWalRecord(WalRecordType::kMetadata, metadata_, &records);
  if (!IsEmptyHardState(hard_state_)) {
    AppendWalRecord(WalRecordType::kHardState, hard_state_.SerializeAsString(), &records);
  }
  if (snapshot_.index() > 0) {
    AppendWalRecord(WalRecordType::kSnapshotMark, snapshot_.SerializeAsString(), &records);
  }
  return records;
}

// Writes the new segment under a temporary name and renames it only once its
// header is durable, so a crash never leaves a half-made segment in the log.
absl::Status Wal::StartSegment(uint64_t seq, uint64_t first_index) {
  FileSystem* fs = options_.fs;
  const std::string path = JoinPath(dir_, SegmentName(seq, first_index));
  const std::string temp = absl::StrCat(path, kTempSuffix);
  const std::string header = SegmentHeaderRecords();
  auto file = fs->NewWritableFile(temp);
  if (!file.ok()) return file.status();
  absl::Status s = (*file)->Append(header);
  if (s.ok()) s = (*file)->Sync();
  if (s.ok()) s = (*file)->Close();
  if (s.ok()) s = fs->RenameFile(temp, path);
  if (s.ok()) s = fs->SyncDir(dir_);
  if (!s.ok()) {
    (void)fs->RemoveFile(temp);
    return s;
  }
  segments_.push_back({seq, first_index, path});
  if (file_ != nullptr) (void)file_->Close();  // fully synced before we got here
  file_.reset();
  s = OpenLastSegmentForAppend();
  if (s.ok()) file_size_ = header.size();
  return s;
}

absl::Status Wal::OpenLastSegmentForAppend() {
  const std::string& path = segments_.back().path;
  auto size = options_.fs->FileSize(path);
  if (!size.ok()) return size.status();
  auto file = options_.fs->NewAppendableFile(path);
  if (!file.ok()) return file.status();
  file_ = *std::move(file);
  file_size_ = *size;
  unsynced_ = false;
  return absl::OkStatus();
}

absl::Status Wal::AppendAndMaybeSync(const std::string& records, bool sync) {
  absl::Status s = file_->Append(records);
  if (!s.ok()) return Fail(s);
  file_size_ += records.size();
  unsynced_ = true;
  if (!sync) return absl::OkStatus();
  s = file_->Sync();
  if (!s.ok()) return Fail(s);
  unsynced_ = false;
  return absl::OkStatus();
}

absl::Status Wal::MaybeStartNextSegment() {
  if (file_size_ < options_.segment_bytes) return absl::OkStatus();
  // A non-last segment must be whole: a torn record there is fatal at Open.
  if (unsynced_) {
    absl::Status s = file_->Sync();
    if (!s.ok()) return Fail(s);
    unsynced_ = false;
  }
  absl::Status s = StartSegment(segments_.back().seq + 1, last_index_ + 1);
  if (!s.ok()) return Fail(s);
  return absl::OkStatus();
}

absl::Status Wal::Fail(absl::Status status) {
  spdlog::error("wal: {}: the log refuses further writes", status.ToString());
  sticky_error_ = status;
  return status;
}

}  // namespace raftkv::storage
