#include "storage/wal_record.h"

#include "absl/strings/str_cat.h"
#include "storage/crc32c.h"

namespace raftkv::storage {
namespace {

void PutU32(uint32_t v, std::string* out) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

uint32_t GetU32(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return static_cast<uint32_t>(u[0]) | (static_cast<uint32_t>(u[1]) << 8) |
         (static_cast<uint32_t>(u[2]) << 16) | (static_cast<uint32_t>(u[3]) << 24);
}

bool IsKnownType(uint8_t t) {
  return t >= static_cast<uint8_t>(WalRecordType::kMetadata) &&
         t <= static_cast<uint8_t>(WalRecordType::kSnapshotMark);
}

}  // namespace

void AppendWalRecord(WalRecordType type, absl::string_view payload, std::string* out) {
  const char type_byte = static_cast<char>(type);
  uint32_t crc = crc32c::Extend(0, &type_byte, 1);
  crc = crc32c::Extend(crc, payload);
  PutU32(static_cast<uint32_t>(payload.size()), out);
  PutU32(crc, out);
  out->push_back(type_byte);
  out->append(payload.data(), payload.size());
}

bool WalRecordReader::HasZeroSector(uint64_t begin, uint64_t end) const {
  constexpr uint64_t kSector = 512;
  for (uint64_t sector = (begin + kSector - 1) / kSector * kSector; sector + kSector <= end;
       sector += kSector) {
    bool all_zero = true;
    for (uint64_t i = sector; i < sector + kSector && all_zero; ++i) {
      all_zero = contents_[i] == '\0';
    }
    if (all_zero) return true;
  }
  return false;
}

bool WalRecordReader::OnlyZerosFrom(uint64_t pos) const {
  for (uint64_t i = pos; i < contents_.size(); ++i) {
    if (contents_[i] != '\0') return false;
  }
  return true;
}

WalRecordReader::Result WalRecordReader::Next(WalRecord* record, WalBadRecord* bad) {
  const uint64_t size = contents_.size();
  if (offset_ == size) return Result::kEnd;
  bad->offset = offset_;
  if (size - offset_ < kWalRecordHeaderSize) {
    bad->reason = "truncated record header";
    bad->could_be_torn_tail = true;
    return Result::kBad;
  }
  const char* header = contents_.data() + offset_;
  const uint64_t length = GetU32(header);
  const uint32_t stored_crc = GetU32(header + 4);
  const uint64_t end = offset_ + kWalRecordHeaderSize + length;
  if (end > size) {
    bad->reason = absl::StrCat("record length ", length, " runs past end of file");
    bad->could_be_torn_tail = true;
    return Result::kBad;
  }
  // Covers type byte + payload in one pass: they are contiguous on disk.
  if (crc32c::Value(absl::string_view(header + 8, length + 1)) != stored_crc) {
    bad->reason = "crc mismatch";
    // Page writeback is unordered: a crash can persist a batch's later sectors
    // but not earlier ones, leaving a whole zero sector inside the record.
    bad->could_be_torn_tail = OnlyZerosFrom(end) || HasZeroSector(offset_, end);
    return Result::kBad;
  }
  const auto type = static_cast<uint8_t>(header[8]);
  if (!IsKnownType(type)) {
    bad->reason = absl::StrCat("unknown record type ", type);
    bad->could_be_torn_tail = false;
    return Result::kBad;
  }
  record->type = static_cast<WalRecordType>(type);
  record->payload = absl::string_view(header + kWalRecordHeaderSize, length);
  record->offset = offset_;
  offset_ = end;
  return Result::kRecord;
}

}  // namespace raftkv::storage
