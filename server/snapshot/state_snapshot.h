// The member's whole state machine as one snapshot file (storage/snapshot_file
// format): a StateSnapshotHeader (membership, leases, alarms) followed by the MVCC stream.
// Used for Raft snapshots (log compaction, catching up lagging members).
#ifndef RAFTKV_SERVER_SNAPSHOT_STATE_SNAPSHOT_H_
#define RAFTKV_SERVER_SNAPSHOT_STATE_SNAPSHOT_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/internal.pb.h"
#include "proto/raft.pb.h"
#include "storage/mvcc_store.h"

namespace raftkv::server {

struct StateSnapshotSource {
  std::function<peerpb::ClusterInfo()> cluster;
  std::function<std::vector<internalpb::LeaseRecord>()> leases;
  std::function<std::vector<etcdserverpb::AlarmMember>()> alarms;
  const storage::MvccStore* store = nullptr;
};

struct StateSnapshotTarget {
  std::function<void(const peerpb::ClusterInfo&)> restore_cluster;
  std::function<absl::Status(const std::vector<internalpb::LeaseRecord>&, uint64_t index)>
      restore_leases;
  std::function<absl::Status(const std::vector<etcdserverpb::AlarmMember>&)> restore_alarms;
  storage::MvccStore* store = nullptr;
};

// Writes a snapshot file covering `metadata.index()` into `dir`; returns its path.
absl::StatusOr<std::string> WriteStateSnapshot(const std::string& dir,
                                               const raftpb::SnapshotMetadata& metadata,
                                               const StateSnapshotSource& source);

// Replaces the state machine by the snapshot at `path`. The MVCC store is swapped
// only after the whole stream verified; a damaged file changes nothing.
absl::Status RestoreStateSnapshot(const std::string& path, const StateSnapshotTarget& target);

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_SNAPSHOT_STATE_SNAPSHOT_H_
