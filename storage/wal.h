// The durable Raft log: entries, hard state and snapshot marks appended to CRC'd
// records in a directory of segment files. One fsync per Save() call, so the raft
// loop pays one fsync per Ready batch (group commit).
//
// Directory layout: <dir>/<seq:016x>-<first index:016x>.wal. `seq` counts up from 1
// with no gaps; `first index` is the index the segment's first entry was expected
// to have when it was started. Every segment begins with the metadata, the hard
// state and the snapshot mark current at its creation, so segments before a
// snapshot can be deleted (ReleaseTo) without losing that state.
//
// Replay semantics: an entry with index i that is <= the last replayed index
// replaces it and everything after it (a new leader overwrote an uncommitted
// suffix); the latest hard state wins; a snapshot mark discards entries <= its index.
//
// Crash recovery: damage at the very end of the last segment that a cut-short
// write explains (partial record; CRC mismatch followed only by zeros or with a
// whole zeroed sector inside the record) is truncated away with a warning. Any other damage makes
// Open() fail with absl::DataLoss naming the file and byte offset: the member must not start on a
// damaged log.
//
// Thread-safety: none; one owner (the raft loop) calls everything.
#ifndef RAFTKV_STORAGE_WAL_H_
#define RAFTKV_STORAGE_WAL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/raft.pb.h"
#include "storage/wal_file_system.h"

namespace raftkv::storage {

struct WalOptions {
  FileSystem* fs = FileSystem::Default();
  // A new segment is started once the current one reaches this size.
  uint64_t segment_bytes = 64ull << 20;
};

// Everything recovered from the log by Wal::Open.
struct WalContents {
  std::string metadata;               // as given to Wal::Create
  raftpb::HardState hard_state;       // latest saved; all zero if never saved
  raftpb::SnapshotMetadata snapshot;  // latest mark; index 0 if none
  // Contiguous, ascending, all with index > snapshot.index.
  std::vector<raftpb::Entry> entries;
};

class Wal {
 public:
  // True if `dir` holds at least one segment file.
  static bool Exists(const std::string& dir, FileSystem* fs = FileSystem::Default());

  // Starts a new log in `dir` (created if missing, parents included).
  // AlreadyExists if `dir` already holds a log.
  static absl::StatusOr<std::unique_ptr<Wal>> Create(const std::string& dir,
                                                     absl::string_view metadata,
                                                     WalOptions options = {});

  // Replays the log in `dir`, truncating a torn tail. NotFound if there is no log;
  // DataLoss (file + offset in the message) if it is corrupt.
  static absl::StatusOr<std::unique_ptr<Wal>> Open(const std::string& dir, WalOptions options = {});

  ~Wal();
  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;

  // Hands over what Open recovered (Create: metadata only). Callable once.
  absl::StatusOr<WalContents> ReadAll();

  // Appends `entries` and, if it changed, `hard_state`, then fsyncs once. Skips the
  // fsync when nothing must be durable: no entries and neither term nor vote
  // changed (a commit-index-only change is written but may be lost: commit is
  // re-learned from the leader). An empty hard state (all zero) is not written.
  // After a write or fsync error every later call fails: the file's state is unknown.
  absl::Status Save(const raftpb::HardState& hard_state, const std::vector<raftpb::Entry>& entries);

  // Records (and fsyncs) that a state-machine snapshot covering the log up to
  // `snapshot.index` is durable. Write the snapshot file first.
  absl::Status SaveSnapshotMark(const raftpb::SnapshotMetadata& snapshot);

  // Deletes whole segments holding only entries below `index` (the segment
  // holding `index` stays). Never releases past the latest snapshot mark, so
  // the log always reaches back to its snapshot.
  absl::Status ReleaseTo(uint64_t index);

  // Flushes nothing (Save already synced); closes the current segment.
  absl::Status Close();

  // Index of the last entry written (or of the snapshot mark if later).
  uint64_t last_index() const { return last_index_; }
  // Paths of the live segment files, oldest first.
  std::vector<std::string> SegmentPaths() const;

 private:
  struct Segment {
    uint64_t seq;
    uint64_t first_index;
    std::string path;
  };
  class Replayer;

  Wal(std::string dir, WalOptions options);

  absl::Status CheckWritable() const;
  absl::Status StartSegment(uint64_t seq, uint64_t first_index);
  absl::Status OpenLastSegmentForAppend();
  absl::Status AppendAndMaybeSync(const std::string& records, bool sync);
  absl::Status MaybeStartNextSegment();
  std::string SegmentHeaderRecords() const;
  absl::Status Fail(absl::Status status);

  const std::string dir_;
  const WalOptions options_;
  std::vector<Segment> segments_;
  std::unique_ptr<WritableFile> file_;  // the last segment
  uint64_t file_size_ = 0;
  bool unsynced_ = false;  // bytes written since the last fsync
  absl::Status sticky_error_;

  std::string metadata_;
  raftpb::HardState hard_state_;
  raftpb::SnapshotMetadata snapshot_;
  uint64_t last_index_ = 0;
  bool has_entries_ = false;  // any entry or snapshot mark since creation

  bool contents_taken_ = false;
  WalContents recovered_;
};

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_WAL_H_
