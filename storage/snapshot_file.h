// State-machine snapshot files: <dir>/<term:016x>-<index:016x>.snap
//
//   ["RKVSNAP1"][meta length: u32 LE][crc32c(meta): u32 LE][raftpb::SnapshotMetadata]
//   [data ...][data length: u64 LE][crc32c(every byte before this field): u32 LE]
//
// Written under a temporary name, fsynced, then renamed and the directory fsynced,
// so a visible .snap file is always complete. Data can be hundreds of MB, so both
// directions stream: SnapshotWriter::Append(chunk) and SnapshotReader::Next(chunk).
// The header has its own CRC so metadata is trustworthy as soon as a reader opens;
// the data is only proven intact when the reader reaches the end (Next → false).
#ifndef RAFTKV_STORAGE_SNAPSHOT_FILE_H_
#define RAFTKV_STORAGE_SNAPSHOT_FILE_H_

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

// A snapshot file as named in its directory (not yet verified).
struct SnapshotFileInfo {
  std::string path;
  uint64_t term = 0;
  uint64_t index = 0;
};

std::string SnapshotFilePath(const std::string& dir, uint64_t term, uint64_t index);

class SnapshotWriter {
 public:
  // Starts <dir>/<term>-<index>.snap (as a temporary file). `dir` must exist.
  static absl::StatusOr<std::unique_ptr<SnapshotWriter>> Create(
      const std::string& dir, const raftpb::SnapshotMetadata& metadata,
      FileSystem* fs = FileSystem::Default());
  // Removes the temporary file unless Finish() succeeded.
  ~SnapshotWriter();
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  absl::Status Append(absl::string_view chunk);
  // Writes the trailer, fsyncs, renames into place; returns the final path.
  absl::StatusOr<std::string> Finish();

 private:
  SnapshotWriter(FileSystem* fs, std::string temp_path, std::string final_path,
                 std::unique_ptr<WritableFile> file);
  absl::Status Write(absl::string_view bytes);

  FileSystem* fs_;
  std::string temp_path_;
  std::string final_path_;
  std::unique_ptr<WritableFile> file_;
  uint32_t crc_ = 0;
  uint64_t data_size_ = 0;
  bool finished_ = false;
  bool failed_ = false;
};

class SnapshotReader {
 public:
  // Opens `path` and checks its header (DataLoss naming the path if damaged).
  static absl::StatusOr<std::unique_ptr<SnapshotReader>> Open(
      const std::string& path, FileSystem* fs = FileSystem::Default());

  const raftpb::SnapshotMetadata& metadata() const { return metadata_; }
  uint64_t data_size() const { return data_size_; }

  // Replaces `chunk` with the next piece of data (at most `max_chunk` bytes) and
  // returns true; at the end verifies the trailer and returns false, or DataLoss
  // if the file is damaged. Do not trust the data before Next returned false.
  absl::StatusOr<bool> Next(std::string* chunk, size_t max_chunk = 1 << 20);

 private:
  SnapshotReader(std::string path, std::unique_ptr<SequentialFile> file);
  absl::Status ReadExactly(size_t n, std::string* out);
  absl::Status VerifyTrailer();

  std::string path_;
  std::unique_ptr<SequentialFile> file_;
  raftpb::SnapshotMetadata metadata_;
  uint64_t data_size_ = 0;
  uint64_t data_read_ = 0;
  uint32_t crc_ = 0;
  bool done_ = false;
};

// Whole-buffer conveniences for small snapshots and tests.
absl::StatusOr<std::string> SaveSnapshotFile(const std::string& dir,
                                             const raftpb::SnapshotMetadata& metadata,
                                             absl::string_view data,
                                             FileSystem* fs = FileSystem::Default());
absl::StatusOr<std::string> ReadSnapshotFile(const std::string& path,
                                             raftpb::SnapshotMetadata* metadata,
                                             FileSystem* fs = FileSystem::Default());
// Reads the whole file, checking every CRC, without keeping the data.
absl::Status VerifySnapshotFile(const std::string& path, FileSystem* fs = FileSystem::Default());

// Snapshot files in `dir`, newest (highest index, then term) first.
absl::StatusOr<std::vector<SnapshotFileInfo>> ListSnapshotFiles(
    const std::string& dir, FileSystem* fs = FileSystem::Default());

// The newest snapshot file that verifies. Damaged files are skipped, logged and,
// if `skipped` is given, reported there as "<path>: <error>". NotFound if none.
absl::StatusOr<SnapshotFileInfo> LoadNewestSnapshot(const std::string& dir,
                                                    std::vector<std::string>* skipped = nullptr,
                                                    FileSystem* fs = FileSystem::Default());

// Deletes all but the newest `keep` snapshot files, and leftover temporary files
// (so never call it while a SnapshotWriter in the same directory is unfinished).
absl::Status PruneSnapshotFiles(const std::string& dir, size_t keep,
                                FileSystem* fs = FileSystem::Default());

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_SNAPSHOT_FILE_H_
