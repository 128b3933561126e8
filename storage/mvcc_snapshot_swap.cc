#include "storage/mvcc_snapshot_swap.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace raftkv::storage {
namespace {

namespace fs = std::filesystem;

std::string OldPath(const std::string& path) { return path + ".snap-old"; }

absl::Status FsError(const std::error_code& error, std::string_view what) {
  return absl::UnavailableError(absl::StrCat("mvcc: ", std::string(what), ": ", error.message()));
}

absl::Status Rename(const std::string& from, const std::string& to) {
  std::error_code error;
  fs::rename(from, to, error);
  if (error) return FsError(error, absl::StrCat("rename ", from, " to ", to));
  return absl::OkStatus();
}

}  // namespace

std::string SnapshotBuildingPath(const std::string& path) { return path + ".snap-building"; }
std::string SnapshotNewPath(const std::string& path) { return path + ".snap-new"; }

absl::Status RemoveDirectory(const std::string& path) {
  std::error_code error;
  fs::remove_all(path, error);
  if (error) return FsError(error, absl::StrCat("remove ", path));
  return absl::OkStatus();
}

absl::Status MarkSnapshotComplete(const std::string& path) {
  if (absl::Status s = RemoveDirectory(SnapshotNewPath(path)); !s.ok()) return s;
  return Rename(SnapshotBuildingPath(path), SnapshotNewPath(path));
}

absl::Status FinishSnapshotSwap(const std::string& path) {
  std::error_code error;
  if (fs::exists(SnapshotNewPath(path), error)) {
    if (fs::exists(path, error)) {
      if (absl::Status s = RemoveDirectory(OldPath(path)); !s.ok()) return s;
      if (absl::Status s = Rename(path, OldPath(path)); !s.ok()) return s;
    }
    if (absl::Status s = Rename(SnapshotNewPath(path), path); !s.ok()) return s;
  }
  if (absl::Status s = RemoveDirectory(OldPath(path)); !s.ok()) return s;
  return RemoveDirectory(SnapshotBuildingPath(path));
}

}  // namespace raftkv::storage
