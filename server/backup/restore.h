// Turns a backup saved with `etcdctl snapshot save` into a fresh data dir, from which
// `raftkv --initial-cluster-state=new ...` starts a new cluster serving that data
// (etcd's `etcdctl snapshot restore`). Membership is not restored: the new cluster's
// members come from the flags, as with etcd.
#ifndef RAFTKV_SERVER_BACKUP_RESTORE_H_
#define RAFTKV_SERVER_BACKUP_RESTORE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace raftkv::server::backup {

struct RestoreResult {
  int64_t revision = 0;  // the restored store's current revision
  size_t leases = 0;
};

// `data_dir` must not exist yet (or be empty). Writes <data_dir>/member/mvcc and
// <data_dir>/member/lease with the backup's keys (full history) and leases, and
// resets the applied index to 0 so the new cluster's Raft log (from index 1) applies.
absl::StatusOr<RestoreResult> RestoreDataDir(const std::string& backup_path,
                                             const std::string& data_dir);

}  // namespace raftkv::server::backup

#endif  // RAFTKV_SERVER_BACKUP_RESTORE_H_
