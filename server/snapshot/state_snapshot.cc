#include "server/snapshot/state_snapshot.h"

#include <cstring>

#include "storage/snapshot_file.h"

namespace raftkv::server {
namespace {

std::string EncodeHeader(const internalpb::StateSnapshotHeader& header) {
  std::string body = header.SerializeAsString();
  const uint32_t size = static_cast<uint32_t>(body.size());
  std::string out(sizeof(size), '\0');
  std::memcpy(out.data(), &size, sizeof(size));  // little endian on every supported host
  return out + body;
}

// Pulls chunks from the reader, first serving whatever is left over in `pending`.
class ChunkSource {
 public:
  explicit ChunkSource(storage::SnapshotReader* reader) : reader_(reader) {}

  // Reads exactly `n` bytes into `out`.
  absl::Status ReadExactly(size_t n, std::string* out) {
    while (pending_.size() < n) {
      std::string chunk;
      auto more = reader_->Next(&chunk);
      if (!more.ok()) return more.status();
      if (!*more) return absl::DataLossError("state snapshot: truncated header");
      pending_ += chunk;
    }
    *out = pending_.substr(0, n);
    pending_.erase(0, n);
    return absl::OkStatus();
  }

  // The rest of the data, chunk by chunk; "" at the (verified) end.
  absl::StatusOr<std::string> Next() {
    if (!pending_.empty()) return std::exchange(pending_, std::string());
    std::string chunk;
    auto more = reader_->Next(&chunk);
    if (!more.ok()) return more.status();
    if (!*more) return std::string();
    return chunk;
  }

 private:
  storage::SnapshotReader* reader_;
  std::string pending_;
};

absl::StatusOr<internalpb::StateSnapshotHeader> ReadHeader(ChunkSource& source) {
  std::string size_bytes, body;
  if (absl::Status s = source.ReadExactly(sizeof(uint32_t), &size_bytes); !s.ok()) return s;
  uint32_t size = 0;
  std::memcpy(&size, size_bytes.data(), sizeof(size));
  if (absl::Status s = source.ReadExactly(size, &body); !s.ok()) return s;
  internalpb::StateSnapshotHeader header;
  if (!header.ParseFromString(body)) return absl::DataLossError("state snapshot: bad header");
  return header;
}

}  // namespace

absl::StatusOr<std::string> WriteStateSnapshot(const std::string& dir,
                                               const raftpb::SnapshotMetadata& metadata,
                                               const StateSnapshotSource& source) {
  auto writer = storage::SnapshotWriter::Create(dir, metadata);
  if (!writer.ok()) return writer.status();
  internalpb::StateSnapshotHeader header;
  if (source.cluster) *header.mutable_cluster() = source.cluster();
  if (source.leases) {
    for (auto& lease : source.leases()) *header.add_leases() = std::move(lease);
  }
  if (source.alarms) {
    for (auto& alarm : source.alarms()) *header.add_alarms() = std::move(alarm);
  }
  if (absl::Status s = (*writer)->Append(EncodeHeader(header)); !s.ok()) return s;
  absl::Status streamed = source.store->WriteSnapshot([&](std::string_view chunk) {
    return (*writer)->Append(absl::string_view(chunk.data(), chunk.size()));
  });
  if (!streamed.ok()) return streamed;
  return (*writer)->Finish();
}

absl::Status RestoreStateSnapshot(const std::string& path, const StateSnapshotTarget& target) {
  auto reader = storage::SnapshotReader::Open(path);
  if (!reader.ok()) return reader.status();
  const uint64_t index = (*reader)->metadata().index();
  ChunkSource source(reader->get());
  auto header = ReadHeader(source);
  if (!header.ok()) return header.status();
  // The store verifies the whole stream (and the file trailer CRC) before swapping.
  absl::Status replaced = target.store->ReplaceFromSnapshot([&] { return source.Next(); });
  if (!replaced.ok()) return replaced;
  // The snapshot covers `index` even if its last entries did not touch the store.
  if (target.store->AppliedIndex() < index) {
    if (absl::Status s = target.store->SetAppliedIndex(index); !s.ok()) return s;
  }
  if (target.restore_cluster) target.restore_cluster(header->cluster());
  if (target.restore_leases) {
    std::vector<internalpb::LeaseRecord> leases(header->leases().begin(), header->leases().end());
    if (absl::Status s = target.restore_leases(leases, index); !s.ok()) return s;
  }
  if (target.restore_alarms) {
    std::vector<etcdserverpb::AlarmMember> alarms(header->alarms().begin(), header->alarms().end());
    if (absl::Status s = target.restore_alarms(alarms); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace raftkv::server
