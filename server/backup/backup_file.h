// The backup file `etcdctl snapshot save` writes from raftkv's Maintenance.Snapshot.
//
//   ["RKVBAK01"][payload length: u64 LE][payload][zero padding][sha256 of all before: 32 bytes]
//
// The payload is a state-machine snapshot file (server/snapshot/state_snapshot.h:
// membership, leases and the MVCC stream, CRC-checked on its own). The padding makes
// everything before the digest a multiple of 512 bytes: etcdctl accepts a download
// only if its size is 32 more than a multiple of 512 (its check for etcd's trailing
// sha256), and the digest lets restore detect any corruption of the saved file.
#ifndef RAFTKV_SERVER_BACKUP_BACKUP_FILE_H_
#define RAFTKV_SERVER_BACKUP_BACKUP_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace raftkv::server::backup {

inline constexpr size_t kSha256Size = 32;

// The bytes before the payload, and the zero bytes after it.
std::string BackupPrefix(uint64_t payload_size);
size_t BackupPaddingSize(uint64_t payload_size);
// Size of the whole stream before the digest.
uint64_t BackupBodySize(uint64_t payload_size);

// Incremental SHA-256 of the body (for the final digest message).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  void Update(std::string_view bytes);
  std::string Finish();  // 32 raw bytes

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Verifies a saved backup (size, digest, header) and writes its payload, the state
// snapshot file, to `payload_path`. DataLoss when the backup is damaged or not a
// raftkv backup (e.g. an etcd bolt snapshot).
absl::Status ExtractPayload(const std::string& backup_path, const std::string& payload_path);

}  // namespace raftkv::server::backup

#endif  // RAFTKV_SERVER_BACKUP_BACKUP_FILE_H_
