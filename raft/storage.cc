#include "raft/storage.h"

namespace raftkv::raft {

absl::Status CompactedError() {
  return absl::OutOfRangeError("requested index is unavailable due to compaction");
}

absl::Status EntryUnavailableError() {
  return absl::NotFoundError("requested entry at index is unavailable");
}

absl::Status SnapshotTemporarilyUnavailableError() {
  return absl::UnavailableError("snapshot is temporarily unavailable");
}

bool IsCompacted(const absl::Status& status) { return absl::IsOutOfRange(status); }

bool IsEntryUnavailable(const absl::Status& status) { return absl::IsNotFound(status); }

}  // namespace raftkv::raft
