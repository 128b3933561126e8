// Durable copy of the member table, rewritten whenever a membership change is
// applied. Reuses the CRC'd, atomically renamed snapshot-file format
// (storage/snapshot_file) in its own directory; the file's index is the Raft index
// of the change, so the newest file always wins.
#ifndef RAFTKV_SERVER_CLUSTER_MEMBERSHIP_STORE_H_
#define RAFTKV_SERVER_CLUSTER_MEMBERSHIP_STORE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "proto/peer.pb.h"

namespace raftkv::server {

class MembershipStore {
 public:
  explicit MembershipStore(std::string dir) : dir_(std::move(dir)) {}

  absl::Status Save(const peerpb::ClusterInfo& info, uint64_t index);
  // The newest intact copy; nullopt when none was ever saved. Damaged copies are
  // skipped; if every copy is damaged the error names them.
  absl::StatusOr<std::optional<peerpb::ClusterInfo>> Load() const;

 private:
  const std::string dir_;
};

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_CLUSTER_MEMBERSHIP_STORE_H_
