#include "storage/kv_record.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "storage/kv_crc32c.h"

namespace raftkv::storage {
namespace {

constexpr char kPutKind = 'p';
constexpr char kTombstoneKind = 't';
constexpr size_t kCrcSize = 4;

void AppendCrc(std::string_view db_key, std::string* value) {
  uint32_t crc = Crc32cExtend(Crc32c(db_key), *value);
  for (int i = 0; i < 4; ++i) value->push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
}

// Returns the payload (value without its CRC) when the CRC matches.
absl::StatusOr<std::string_view> CheckCrc(std::string_view db_key, std::string_view value) {
  if (value.size() < kCrcSize) {
    return absl::DataLossError(absl::StrCat(
        "mvcc: corrupted database: truncated value under key of size ", db_key.size()));
  }
  std::string_view payload = value.substr(0, value.size() - kCrcSize);
  uint32_t stored = 0;
  for (int i = 0; i < 4; ++i) {
    stored |= static_cast<uint32_t>(static_cast<unsigned char>(value[payload.size() + i]))
              << (8 * i);
  }
  if (stored != Crc32cExtend(Crc32c(db_key), payload)) {
    return absl::DataLossError("mvcc: corrupted database: record checksum mismatch");
  }
  return payload;
}

}  // namespace

std::string RecordKey(Revision revision) {
  return std::string(1, kRecordKeyPrefix) + EncodeRevision(revision);
}

bool IsRecordKey(std::string_view db_key) {
  return !db_key.empty() && db_key[0] == kRecordKeyPrefix;
}

absl::StatusOr<Revision> RevisionOfRecordKey(std::string_view db_key) {
  if (!IsRecordKey(db_key)) return absl::DataLossError("mvcc: not a revision record key");
  return DecodeRevision(db_key.substr(1));
}

std::string EncodeRecord(std::string_view db_key, const StoredRecord& record) {
  std::string value(1, record.tombstone ? kTombstoneKind : kPutKind);
  value += record.kv.SerializeAsString();
  AppendCrc(db_key, &value);
  return value;
}

absl::StatusOr<StoredRecord> DecodeRecord(std::string_view db_key, std::string_view value) {
  absl::StatusOr<std::string_view> payload = CheckCrc(db_key, value);
  if (!payload.ok()) return payload.status();
  if (payload->empty() || ((*payload)[0] != kPutKind && (*payload)[0] != kTombstoneKind)) {
    return absl::DataLossError("mvcc: corrupted database: unknown record kind");
  }
  StoredRecord record;
  record.tombstone = (*payload)[0] == kTombstoneKind;
  std::string_view body = payload->substr(1);
  if (!record.kv.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return absl::DataLossError("mvcc: corrupted database: undecodable key-value record");
  }
  return record;
}

std::string MetaKey(std::string_view name) {
  return std::string(1, kMetaKeyPrefix) + std::string(name);
}

std::string EncodeMeta(std::string_view db_key, int64_t value) {
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((static_cast<uint64_t>(value) >> shift) & 0xFF));
  }
  AppendCrc(db_key, &out);
  return out;
}

absl::StatusOr<int64_t> DecodeMeta(std::string_view db_key, std::string_view value) {
  absl::StatusOr<std::string_view> payload = CheckCrc(db_key, value);
  if (!payload.ok()) return payload.status();
  if (payload->size() != 8) {
    return absl::DataLossError(absl::StrCat("mvcc: corrupted database: bad meta value for ",
                                            std::string(db_key.substr(1))));
  }
  uint64_t v = 0;
  for (unsigned char c : *payload) v = (v << 8) | c;
  return static_cast<int64_t>(v);
}

}  // namespace raftkv::storage
