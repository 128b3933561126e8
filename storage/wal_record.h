// On-disk framing of one WAL record:
//
//   [payload length: u32 LE][crc32c(type byte + payload): u32 LE][type: u8][payload]
//
// The CRC covers the type so a flipped type byte cannot turn an entry into a
// hard state. A segment file is just records back to back.
#ifndef RAFTKV_STORAGE_WAL_RECORD_H_
#define RAFTKV_STORAGE_WAL_RECORD_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace raftkv::storage {

enum class WalRecordType : uint8_t {
  kMetadata = 1,      // opaque bytes given to Wal::Create (member id, cluster id)
  kEntry = 2,         // raftpb::Entry
  kHardState = 3,     // raftpb::HardState
  kSnapshotMark = 4,  // raftpb::SnapshotMetadata
};

constexpr size_t kWalRecordHeaderSize = 9;

// Appends the framed record to `out`.
void AppendWalRecord(WalRecordType type, absl::string_view payload, std::string* out);

struct WalRecord {
  WalRecordType type;
  absl::string_view payload;  // points into the reader's buffer
  uint64_t offset;            // of the record's first header byte
};

// A record that failed to decode.
struct WalBadRecord {
  uint64_t offset = 0;
  std::string reason;
  // True when the damage can be explained by a write cut short by a crash: the
  // record runs past end of file, or its CRC fails and either only zero bytes
  // follow it or it contains a whole zeroed 512-byte sector (a sector never written).
  // Only such damage at the end of the last segment may be truncated away.
  bool could_be_torn_tail = false;
};

// Decodes the records of one segment held in memory.
class WalRecordReader {
 public:
  enum class Result { kRecord, kEnd, kBad };

  explicit WalRecordReader(absl::string_view contents) : contents_(contents) {}

  // On kRecord fills `record`; on kBad fills `bad` and stays at the bad record.
  Result Next(WalRecord* record, WalBadRecord* bad);

  // Offset just past the last good record: where a torn tail gets truncated.
  uint64_t offset() const { return offset_; }

 private:
  bool OnlyZerosFrom(uint64_t pos) const;
  bool HasZeroSector(uint64_t begin, uint64_t end) const;

  absl::string_view contents_;
  uint64_t offset_ = 0;
};

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_WAL_RECORD_H_
