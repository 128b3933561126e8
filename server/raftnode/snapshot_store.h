// Names, finds and prunes the state-machine snapshot files of a member
// (<dir>/<term:016x>-<index:016x>.snap). The file contents are the server's business.
#ifndef RAFTKV_SERVER_RAFTNODE_SNAPSHOT_STORE_H_
#define RAFTKV_SERVER_RAFTNODE_SNAPSHOT_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace raftkv::server {

class SnapshotStore {
 public:
  explicit SnapshotStore(std::string dir) : dir_(std::move(dir)) {}

  absl::Status EnsureDir() const;
  std::string PathFor(uint64_t term, uint64_t index) const;
  // A fresh path in the directory for a file being written (renamed later).
  std::string TempPath(const std::string& hint) const;
  // The file for exactly this snapshot, NotFound if missing.
  absl::StatusOr<std::string> Find(uint64_t term, uint64_t index) const;
  // Moves `path` (e.g. a snapshot received from the leader) to its final name.
  absl::StatusOr<std::string> Adopt(const std::string& path, uint64_t term, uint64_t index) const;
  // Deletes all but the newest `keep` snapshot files (and stale temp files).
  void Prune(size_t keep) const;

 private:
  std::vector<std::string> ListSnapshots() const;  // sorted oldest first

  const std::string dir_;
};

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_RAFTNODE_SNAPSHOT_STORE_H_
