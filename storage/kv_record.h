// The LevelDB layout of the MVCC store.
//
//   "k" + EncodeRevision(rev)  ->  kind byte ('p' put / 't' tombstone)
//                                  + serialized mvccpb::KeyValue + CRC32C
//   "m" + meta name            ->  big-endian int64 + CRC32C
//
// Every CRC also covers the LevelDB key, so a value that ends up under the
// wrong key (or a damaged key) is detected, not just a damaged value.
#ifndef RAFTKV_STORAGE_KV_RECORD_H_
#define RAFTKV_STORAGE_KV_RECORD_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "proto/kv.pb.h"
#include "storage/revision.h"

namespace raftkv::storage {

// One change of the history as persisted: a put stores the full KeyValue, a
// tombstone (delete) stores only the key.
struct StoredRecord {
  bool tombstone = false;
  mvccpb::KeyValue kv;
};

inline constexpr char kRecordKeyPrefix = 'k';
inline constexpr char kMetaKeyPrefix = 'm';

// Names of the persisted meta values.
inline constexpr std::string_view kMetaCurrentRevision = "current_revision";
inline constexpr std::string_view kMetaCompactRevision = "compact_revision";
inline constexpr std::string_view kMetaScheduledCompact = "scheduled_compact_revision";
inline constexpr std::string_view kMetaAppliedIndex = "applied_index";
inline constexpr std::string_view kMetaFormatVersion = "format_version";

std::string RecordKey(Revision revision);
bool IsRecordKey(std::string_view db_key);
absl::StatusOr<Revision> RevisionOfRecordKey(std::string_view db_key);

std::string EncodeRecord(std::string_view db_key, const StoredRecord& record);
// DataLoss when the checksum or the encoding does not match.
absl::StatusOr<StoredRecord> DecodeRecord(std::string_view db_key, std::string_view value);

std::string MetaKey(std::string_view name);
std::string EncodeMeta(std::string_view db_key, int64_t value);
absl::StatusOr<int64_t> DecodeMeta(std::string_view db_key, std::string_view value);

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_KV_RECORD_H_
