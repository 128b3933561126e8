#include "server/raftnode/snapshot_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>

#include "absl/strings/str_format.h"

namespace raftkv::server {
namespace fs = std::filesystem;

namespace {

constexpr char kSuffix[] = ".snap";

bool HasSuffix(const std::string& name, const std::string& suffix) {
  return name.size() >= suffix.size() &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A rename is durable only once the directory entry is synced.
void SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

absl::Status SnapshotStore::EnsureDir() const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return absl::InternalError("cannot create snapshot dir " + dir_ + ": " + ec.message());
  return absl::OkStatus();
}

std::string SnapshotStore::PathFor(uint64_t term, uint64_t index) const {
  return absl::StrFormat("%s/%016x-%016x%s", dir_, term, index, kSuffix);
}

std::string SnapshotStore::TempPath(const std::string& hint) const {
  static std::atomic<uint64_t> counter{0};
  return absl::StrFormat("%s/%s-%d-%d.tmp", dir_, hint, ::getpid(), counter.fetch_add(1));
}

absl::StatusOr<std::string> SnapshotStore::Find(uint64_t term, uint64_t index) const {
  std::string path = PathFor(term, index);
  if (!fs::exists(path)) return absl::NotFoundError("snapshot file missing: " + path);
  return path;
}

absl::StatusOr<std::string> SnapshotStore::Adopt(const std::string& path, uint64_t term,
                                                 uint64_t index) const {
  std::string target = PathFor(term, index);
  std::error_code ec;
  fs::rename(path, target, ec);
  if (ec) return absl::InternalError("cannot move snapshot " + path + ": " + ec.message());
  SyncDir(dir_);
  return target;
}

std::vector<std::string> SnapshotStore::ListSnapshots() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    std::string name = entry.path().filename().string();
    if (HasSuffix(name, kSuffix)) names.push_back(name);
  }
  // Zero-padded hex term and index: lexicographic order is (term, index) order.
  std::sort(names.begin(), names.end());
  return names;
}

void SnapshotStore::Prune(size_t keep) const {
  std::vector<std::string> names = ListSnapshots();
  std::error_code ec;
  for (size_t i = 0; i + keep < names.size(); ++i) fs::remove(dir_ + "/" + names[i], ec);
}

}  // namespace raftkv::server
