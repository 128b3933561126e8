#ifndef RAFTKV_SERVER_TRANSPORT_INCOMING_SNAPSHOT_FILE_H_
#define RAFTKV_SERVER_TRANSPORT_INCOMING_SNAPSHOT_FILE_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace raftkv::transport {

// A snapshot being received from a peer. Bytes go to "<dir>/incoming-<random>.snap.part";
// Commit() makes them durable and atomically renames the file to its final name, so a crash
// never leaves a truncated file that looks complete. An uncommitted file is deleted.
class IncomingSnapshotFile {
 public:
  static absl::StatusOr<std::unique_ptr<IncomingSnapshotFile>> Create(const std::string& dir);
  ~IncomingSnapshotFile();

  IncomingSnapshotFile(const IncomingSnapshotFile&) = delete;
  IncomingSnapshotFile& operator=(const IncomingSnapshotFile&) = delete;

  absl::Status Append(absl::string_view data);

  // fsyncs the file, renames it to "<dir>/<final_name>", fsyncs the directory and returns
  // the final path.
  absl::StatusOr<std::string> Commit(const std::string& final_name);

  // The random part of the file name, unique per transfer.
  const std::string& unique_id() const { return unique_id_; }

 private:
  IncomingSnapshotFile(std::string dir, std::string unique_id, std::string part_path, int fd);

  const std::string dir_;
  const std::string unique_id_;
  const std::string part_path_;
  int fd_;
  bool committed_ = false;
};

}  // namespace raftkv::transport

#endif  // RAFTKV_SERVER_TRANSPORT_INCOMING_SNAPSHOT_FILE_H_
