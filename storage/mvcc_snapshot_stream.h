// The self-describing byte stream a snapshot of the MVCC store travels as
// (Maintenance.Snapshot, Raft snapshot transfer). A stream is a sequence of
// frames, each handed to the sink as one chunk:
//
//   "RKVS" | type (1 byte: 'H' header, 'D' data, 'T' trailer)
//          | payload length (u32 LE) | payload | CRC32C(type..payload) (u32 LE)
//
// Header payload: "raftkv-mvcc-snapshot" + format version (u32 LE).
// Data payload:   records, each key length (u32 LE) key value length value.
// Trailer payload: record count (u64 LE) + CRC32C of all data payloads (u32 LE).
// The reader accepts the bytes cut into chunks at any boundaries.
#ifndef RAFTKV_STORAGE_MVCC_SNAPSHOT_STREAM_H_
#define RAFTKV_STORAGE_MVCC_SNAPSHOT_STREAM_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace raftkv::storage {

inline constexpr uint32_t kSnapshotFormatVersion = 1;

class SnapshotStreamWriter {
 public:
  using Sink = std::function<absl::Status(std::string_view chunk)>;
  explicit SnapshotStreamWriter(Sink sink, size_t chunk_bytes = 1 << 20);

  absl::Status Add(std::string_view key, std::string_view value);
  absl::Status Finish();  // flushes data and writes the trailer

 private:
  absl::Status Emit(char type, std::string_view payload);
  absl::Status FlushData();

  Sink sink_;
  size_t chunk_bytes_;
  bool header_written_ = false;
  std::string data_;
  uint64_t records_ = 0;
  uint32_t data_crc_ = 0;
};

class SnapshotStreamReader {
 public:
  using OnRecord = std::function<absl::Status(std::string_view key, std::string_view value)>;
  explicit SnapshotStreamReader(OnRecord on_record);

  // DataLoss on any damage: bad magic, CRC, version, framing, data after the trailer.
  absl::Status Feed(std::string_view bytes);
  // DataLoss when the trailer is missing (truncated stream) or does not match.
  absl::Status Finish() const;

 private:
  absl::Status HandleFrame(char type, std::string_view payload);
  absl::Status HandleData(std::string_view payload);

  OnRecord on_record_;
  std::string buffer_;
  bool header_seen_ = false;
  bool trailer_seen_ = false;
  uint64_t records_ = 0;
  uint32_t data_crc_ = 0;
};

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_MVCC_SNAPSHOT_STREAM_H_
