// The small slice of POSIX file operations the Raft log and snapshot files need,
// behind an interface so tests can count fsyncs and inject failures (the same idea
// as LevelDB's Env). FileSystem::Default() is the real, POSIX-backed one.
#ifndef RAFTKV_STORAGE_WAL_FILE_SYSTEM_H_
#define RAFTKV_STORAGE_WAL_FILE_SYSTEM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace raftkv::storage {

// A file open for appending. Not thread-safe.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual absl::Status Append(absl::string_view data) = 0;
  // Makes everything appended so far durable (fdatasync).
  virtual absl::Status Sync() = 0;
  virtual absl::Status Close() = 0;
};

// A file read front to back. Not thread-safe.
class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to `n` bytes into `scratch`; returns how many were read (0 at EOF).
  virtual absl::StatusOr<size_t> Read(size_t n, char* scratch) = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // The process-wide POSIX implementation; never deleted.
  static FileSystem* Default();

  // Creates `path`, truncating it if it exists.
  virtual absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& path) = 0;
  // Opens an existing `path`; writes go to its end.
  virtual absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(
      const std::string& path) = 0;
  virtual absl::StatusOr<std::unique_ptr<SequentialFile>> NewSequentialFile(
      const std::string& path) = 0;
  virtual absl::Status ReadFileToString(const std::string& path, std::string* out) = 0;
  virtual absl::StatusOr<uint64_t> FileSize(const std::string& path) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  // Names (not paths) of the entries in `dir`, excluding "." and "..".
  virtual absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  // Creates `dir` (one level); OK if it already exists as a directory.
  virtual absl::Status CreateDir(const std::string& dir) = 0;
  virtual absl::Status RemoveFile(const std::string& path) = 0;
  virtual absl::Status RenameFile(const std::string& from, const std::string& to) = 0;
  // Shortens `path` to `size` bytes and makes that durable.
  virtual absl::Status TruncateFile(const std::string& path, uint64_t size) = 0;
  // fsyncs a directory so that creates, renames and removes in it survive a crash.
  virtual absl::Status SyncDir(const std::string& dir) = 0;
};

// A FileSystem that forwards to another one; override what a test needs to observe.
class ForwardingFileSystem : public FileSystem {
 public:
  explicit ForwardingFileSystem(FileSystem* target) : target_(target) {}

  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& p) override {
    return target_->NewWritableFile(p);
  }
  absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& p) override {
    return target_->NewAppendableFile(p);
  }
  absl::StatusOr<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& p) override {
    return target_->NewSequentialFile(p);
  }
  absl::Status ReadFileToString(const std::string& p, std::string* out) override {
    return target_->ReadFileToString(p, out);
  }
  absl::StatusOr<uint64_t> FileSize(const std::string& p) override { return target_->FileSize(p); }
  bool FileExists(const std::string& p) override { return target_->FileExists(p); }
  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& d) override {
    return target_->ListDir(d);
  }
  absl::Status CreateDir(const std::string& d) override { return target_->CreateDir(d); }
  absl::Status RemoveFile(const std::string& p) override { return target_->RemoveFile(p); }
  absl::Status RenameFile(const std::string& from, const std::string& to) override {
    return target_->RenameFile(from, to);
  }
  absl::Status TruncateFile(const std::string& p, uint64_t size) override {
    return target_->TruncateFile(p, size);
  }
  absl::Status SyncDir(const std::string& d) override { return target_->SyncDir(d); }

 protected:
  FileSystem* target() const { return target_; }

 private:
  FileSystem* target_;
};

// "dir/name", without doubling a trailing slash.
std::string JoinPath(absl::string_view dir, absl::string_view name);

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_WAL_FILE_SYSTEM_H_
