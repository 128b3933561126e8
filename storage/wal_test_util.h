// Test helpers shared by the WAL and snapshot file tests: a scratch directory and a
// FileSystem that counts fsyncs and can be told to fail them.
#ifndef RAFTKV_STORAGE_WAL_TEST_UTIL_H_
#define RAFTKV_STORAGE_WAL_TEST_UTIL_H_

#include <stdlib.h>

#include <atomic>
#include <memory>
#include <string>

#include "storage/wal_file_system.h"

namespace raftkv::storage::testing {

// A fresh directory under the test's scratch space.
inline std::string MakeTempDir() {
  const char* base = getenv("TEST_TMPDIR");
  std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/waltest-XXXXXX";
  char* made = mkdtemp(&tmpl[0]);
  return made != nullptr ? std::string(made) : std::string();
}

// Counts fsyncs of files and directories; fails file fsyncs while fail_sync is set.
class CountingFileSystem : public ForwardingFileSystem {
 public:
  CountingFileSystem() : ForwardingFileSystem(FileSystem::Default()) {}

  std::atomic<int> file_syncs{0};
  std::atomic<int> dir_syncs{0};
  std::atomic<bool> fail_sync{false};

  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& p) override {
    return Wrap(target()->NewWritableFile(p));
  }
  absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& p) override {
    return Wrap(target()->NewAppendableFile(p));
  }
  absl::Status SyncDir(const std::string& d) override {
    ++dir_syncs;
    return target()->SyncDir(d);
  }

 private:
  class CountingFile : public WritableFile {
   public:
    CountingFile(CountingFileSystem* fs, std::unique_ptr<WritableFile> f)
        : fs_(fs), f_(std::move(f)) {}
    absl::Status Append(absl::string_view data) override { return f_->Append(data); }
    absl::Status Sync() override {
      if (fs_->fail_sync) return absl::InternalError("injected fsync failure");
      ++fs_->file_syncs;
      return f_->Sync();
    }
    absl::Status Close() override { return f_->Close(); }

   private:
    CountingFileSystem* fs_;
    std::unique_ptr<WritableFile> f_;
  };

  absl::StatusOr<std::unique_ptr<WritableFile>> Wrap(
      absl::StatusOr<std::unique_ptr<WritableFile>> f) {
    if (!f.ok()) return f.status();
    return std::unique_ptr<WritableFile>(new CountingFile(this, *std::move(f)));
  }
};

}  // namespace raftkv::storage::testing

#endif  // RAFTKV_STORAGE_WAL_TEST_UTIL_H_
