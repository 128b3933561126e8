// Crash-safe replacement of a store directory by one restored from a snapshot.
//
//   1. the snapshot is restored into "<path>.snap-building"
//   2. renamed to "<path>.snap-new"   (from here on it is complete)
//   3. "<path>" is renamed to "<path>.snap-old"
//   4. "<path>.snap-new" is renamed to "<path>", "<path>.snap-old" removed
//
// FinishSnapshotSwap completes steps 3-4 after a crash and drops leftovers,
// so Open always sees either the old or the new store, never a mix.
#ifndef RAFTKV_STORAGE_MVCC_SNAPSHOT_SWAP_H_
#define RAFTKV_STORAGE_MVCC_SNAPSHOT_SWAP_H_

#include <string>

#include "absl/status/status.h"

namespace raftkv::storage {

std::string SnapshotBuildingPath(const std::string& path);
std::string SnapshotNewPath(const std::string& path);

// Marks a fully restored building directory as complete (step 2).
absl::Status MarkSnapshotComplete(const std::string& path);
// Steps 3-4 when a complete snapshot directory is waiting; cleans leftovers.
absl::Status FinishSnapshotSwap(const std::string& path);
absl::Status RemoveDirectory(const std::string& path);

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_MVCC_SNAPSHOT_SWAP_H_
