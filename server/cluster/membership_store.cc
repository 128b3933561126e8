#include "server/cluster/membership_store.h"

#include <filesystem>

#include "absl/strings/str_join.h"
#include "storage/snapshot_file.h"

namespace raftkv::server {

absl::Status MembershipStore::Save(const peerpb::ClusterInfo& info, uint64_t index) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return absl::InternalError("cannot create " + dir_ + ": " + ec.message());
  raftpb::SnapshotMetadata metadata;
  metadata.set_index(index);
  auto saved = storage::SaveSnapshotFile(dir_, metadata, info.SerializeAsString());
  if (!saved.ok()) return saved.status();
  return storage::PruneSnapshotFiles(dir_, /*keep=*/2);
}

absl::StatusOr<std::optional<peerpb::ClusterInfo>> MembershipStore::Load() const {
  if (!std::filesystem::exists(dir_)) return std::nullopt;
  auto listed = storage::ListSnapshotFiles(dir_);
  if (!listed.ok()) return listed.status();
  if (listed->empty()) return std::nullopt;
  std::vector<std::string> skipped;
  auto newest = storage::LoadNewestSnapshot(dir_, &skipped);
  if (!newest.ok()) {
    return absl::DataLossError("no intact membership file in " + dir_ + ": " +
                               absl::StrJoin(skipped, "; "));
  }
  raftpb::SnapshotMetadata metadata;
  auto data = storage::ReadSnapshotFile(newest->path, &metadata);
  if (!data.ok()) return data.status();
  peerpb::ClusterInfo info;
  if (!info.ParseFromString(*data)) {
    return absl::DataLossError("membership file " + newest->path + " does not parse");
  }
  return info;
}

}  // namespace raftkv::server
