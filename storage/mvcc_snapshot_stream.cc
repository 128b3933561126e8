#include "storage/mvcc_snapshot_stream.h"

#include "absl/strings/str_cat.h"
#include "storage/kv_crc32c.h"

namespace raftkv::storage {
namespace {

constexpr std::string_view kMagic = "RKVS";
constexpr std::string_view kHeaderText = "raftkv-mvcc-snapshot";
constexpr size_t kFrameOverhead = 4 + 1 + 4 + 4;
constexpr char kHeader = 'H';
constexpr char kData = 'D';
constexpr char kTrailer = 'T';

void PutU32(uint32_t v, std::string* out) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutU64(uint64_t v, std::string* out) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint64_t GetLE(std::string_view bytes, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

absl::Status Damaged(std::string_view what) {
  return absl::DataLossError(absl::StrCat("mvcc snapshot: corrupted stream: ", std::string(what)));
}

}  // namespace

SnapshotStreamWriter::SnapshotStreamWriter(Sink sink, size_t chunk_bytes)
    : sink_(std::move(sink)), chunk_bytes_(chunk_bytes) {}

absl::Status SnapshotStreamWriter::Emit(char type, std::string_view payload) {
  std::string frame(kMagic);
  frame.push_back(type);
  PutU32(static_cast<uint32_t>(payload.size()), &frame);
  frame.append(payload);
  PutU32(Crc32c(std::string_view(frame).substr(kMagic.size())), &frame);
  return sink_(frame);
}

absl::Status SnapshotStreamWriter::Add(std::string_view key, std::string_view value) {
  if (!header_written_) {
    std::string header(kHeaderText);
    PutU32(kSnapshotFormatVersion, &header);
    if (absl::Status s = Emit(kHeader, header); !s.ok()) return s;
    header_written_ = true;
  }
  PutU32(static_cast<uint32_t>(key.size()), &data_);
  data_.append(key);
  PutU32(static_cast<uint32_t>(value.size()), &data_);
  data_.append(value);
  ++records_;
  return data_.size() >= chunk_bytes_ ? FlushData() : absl::OkStatus();
}

absl::Status SnapshotStreamWriter::FlushData() {
  if (data_.empty()) return absl::OkStatus();
  data_crc_ = Crc32cExtend(data_crc_, data_);
  absl::Status status = Emit(kData, data_);
  data_.clear();
  return status;
}

absl::Status SnapshotStreamWriter::Finish() {
  if (!header_written_) {
    // An empty store still produces a well-formed stream.
    std::string header(kHeaderText);
    PutU32(kSnapshotFormatVersion, &header);
    if (absl::Status s = Emit(kHeader, header); !s.ok()) return s;
    header_written_ = true;
  }
  if (absl::Status s = FlushData(); !s.ok()) return s;
  std::string trailer;
  PutU64(records_, &trailer);
  PutU32(data_crc_, &trailer);
  return Emit(kTrailer, trailer);
}

SnapshotStreamReader::SnapshotStreamReader(OnRecord on_record) : on_record_(std::move(on_record)) {}

absl::Status SnapshotStreamReader::Feed(std::string_view bytes) {
  buffer_.append(bytes);
  size_t consumed = 0;
  while (buffer_.size() - consumed >= kFrameOverhead) {
    std::string_view rest = std::string_view(buffer_).substr(consumed);
    if (rest.substr(0, kMagic.size()) != kMagic) return Damaged("bad frame magic");
    uint64_t length = GetLE(rest.substr(5, 4), 4);
    if (rest.size() < kFrameOverhead + length) break;
    std::string_view checked = rest.substr(kMagic.size(), 1 + 4 + length);
    uint32_t stored = static_cast<uint32_t>(GetLE(rest.substr(9 + length, 4), 4));
    if (Crc32c(checked) != stored) return Damaged("frame checksum mismatch");
    if (absl::Status s = HandleFrame(rest[4], rest.substr(9, length)); !s.ok()) return s;
    consumed += kFrameOverhead + length;
  }
  buffer_.erase(0, consumed);
  return absl::OkStatus();
}

absl::Status SnapshotStreamReader::HandleFrame(char type, std::string_view payload) {
  if (trailer_seen_) return Damaged("data after the trailer");
  if (type == kHeader) {
    if (header_seen_) return Damaged("second header");
    if (payload.size() != kHeaderText.size() + 4 ||
        payload.substr(0, kHeaderText.size()) != kHeaderText) {
      return Damaged("not a raftkv MVCC snapshot");
    }
    uint64_t version = GetLE(payload.substr(kHeaderText.size()), 4);
    if (version != kSnapshotFormatVersion) {
      return absl::FailedPreconditionError(
          absl::StrCat("mvcc snapshot: unsupported format version ", version));
    }
    header_seen_ = true;
    return absl::OkStatus();
  }
  if (!header_seen_) return Damaged("missing header");
  if (type == kData) return HandleData(payload);
  if (type == kTrailer) {
    if (payload.size() != 12) return Damaged("bad trailer");
    if (GetLE(payload, 8) != records_ ||
        static_cast<uint32_t>(GetLE(payload.substr(8), 4)) != data_crc_) {
      return Damaged("trailer does not match the data (records lost or reordered)");
    }
    trailer_seen_ = true;
    return absl::OkStatus();
  }
  return Damaged("unknown frame type");
}

absl::Status SnapshotStreamReader::HandleData(std::string_view payload) {
  data_crc_ = Crc32cExtend(data_crc_, payload);
  while (!payload.empty()) {
    if (payload.size() < 4) return Damaged("truncated record");
    uint64_t key_size = GetLE(payload, 4);
    if (payload.size() < 8 + key_size) return Damaged("truncated record");
    std::string_view key = payload.substr(4, key_size);
    uint64_t value_size = GetLE(payload.substr(4 + key_size), 4);
    if (payload.size() < 8 + key_size + value_size) return Damaged("truncated record");
    std::string_view value = payload.substr(8 + key_size, value_size);
    if (absl::Status s = on_record_(key, value); !s.ok()) return s;
    ++records_;
    payload.remove_prefix(8 + key_size + value_size);
  }
  return absl::OkStatus();
}

absl::Status SnapshotStreamReader::Finish() const {
  if (!trailer_seen_ || !buffer_.empty()) return Damaged("stream is truncated");
  return absl::OkStatus();
}

}  // namespace raftkv::storage
