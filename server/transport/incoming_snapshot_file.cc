#include "server/transport/incoming_snapshot_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace raftkv::transport {
namespace {

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

std::string RandomHex() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  return absl::StrFormat("%016x", random());
}

absl::Status FsyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open directory", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return ErrnoError("cannot fsync directory", dir);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<IncomingSnapshotFile>> IncomingSnapshotFile::Create(
    const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create snapshot directory ", dir, ": ", error.message()));
  }
  std::string unique_id = RandomHex();
  std::string part_path = absl::StrCat(dir, "/incoming-", unique_id, ".snap.part");
  const int fd = ::open(part_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoError("cannot create", part_path);
  return std::unique_ptr<IncomingSnapshotFile>(
      new IncomingSnapshotFile(dir, std::move(unique_id), std::move(part_path), fd));
}

IncomingSnapshotFile::IncomingSnapshotFile(std::string dir, std::string unique_id,
                                           std::string part_path, int fd)
    : dir_(std::move(dir)),
      unique_id_(std::move(unique_id)),
      part_path_(std::move(part_path)),
      fd_(fd) {}

IncomingSnapshotFile::~IncomingSnapshotFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(part_path_.c_str());
}

absl::Status IncomingSnapshotFile::Append(absl::string_view data) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd_, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("cannot write", part_path_);
    }
    data.remove_prefix(static_cast<size_t>(written));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> IncomingSnapshotFile::Commit(const std::string& final_name) {
  if (::fsync(fd_) != 0) return ErrnoError("cannot fsync", part_path_);
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) return ErrnoError("cannot close", part_path_);
  std::string final_path = absl::StrCat(dir_, "/", final_name);
  if (::rename(part_path_.c_str(), final_path.c_str()) != 0) {
    return ErrnoError("cannot rename to", final_path);
  }
  committed_ = true;
  if (absl::Status status = FsyncDirectory(dir_); !status.ok()) return status;
  return final_path;
}

}  // namespace raftkv::transport
