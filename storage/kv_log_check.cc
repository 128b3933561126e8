#include "storage/kv_log_check.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "storage/kv_crc32c.h"

namespace raftkv::storage {
namespace {

// LevelDB log format (db/log_format.h): 32 KiB blocks of physical records,
// each with a 7-byte header: masked CRC32C (4, LE), length (2, LE), type (1).
constexpr size_t kBlockSize = 32768;
constexpr size_t kHeaderSize = 7;
constexpr unsigned kMaxRecordType = 4;

uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - 0xa282ead8u;
  return (rot >> 17) | (rot << 15);
}

uint32_t ReadLe32(std::string_view bytes) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

enum class Header { kValid, kZero, kPastEnd, kDamaged };

// Classifies the physical record at `offset` (which must leave room for a header).
Header Classify(std::string_view contents, size_t offset, size_t* record_size) {
  std::string_view header = contents.substr(offset, kHeaderSize);
  size_t length = static_cast<unsigned char>(header[4]) |
                  (static_cast<size_t>(static_cast<unsigned char>(header[5])) << 8);
  unsigned type = static_cast<unsigned char>(header[6]);
  if (type == 0 && length == 0) return Header::kZero;  // preallocated space
  size_t block_end = (offset / kBlockSize + 1) * kBlockSize;
  if (offset + kHeaderSize + length > std::min(block_end, contents.size())) {
    return Header::kPastEnd;
  }
  if (type == 0 || type > kMaxRecordType) return Header::kDamaged;
  std::string_view typed = contents.substr(offset + 6, 1 + length);
  if (Unmask(ReadLe32(header)) != Crc32c(typed)) return Header::kDamaged;
  *record_size = kHeaderSize + length;
  return Header::kValid;
}

// True when an intact record starts anywhere after `from`.
bool IntactRecordAfter(std::string_view contents, size_t from) {
  for (size_t offset = from; offset + kHeaderSize <= contents.size(); ++offset) {
    if (kBlockSize - offset % kBlockSize < kHeaderSize) continue;
    size_t size = 0;
    if (Classify(contents, offset, &size) == Header::kValid) return true;
  }
  return false;
}

}  // namespace

absl::Status CheckLevelDbLog(std::string_view contents, std::string_view name) {
  size_t offset = 0;
  while (offset + kHeaderSize <= contents.size()) {
    size_t left_in_block = kBlockSize - offset % kBlockSize;
    if (left_in_block < kHeaderSize) {  // block trailer padding
      offset += left_in_block;
      continue;
    }
    size_t size = 0;
    switch (Classify(contents, offset, &size)) {
      case Header::kValid:
        offset += size;
        break;
      case Header::kZero:
        offset += left_in_block;
        break;
      case Header::kPastEnd:
        // A torn final write is normal after a crash; more data after it is not.
        if (!IntactRecordAfter(contents, offset + 1)) return absl::OkStatus();
        [[fallthrough]];
      case Header::kDamaged:
        return absl::DataLossError(absl::StrCat("mvcc: corrupted database: damaged record in ",
                                                std::string(name), " at offset ", offset));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckLevelDbLogs(const std::string& db_dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(db_dir, error)) return absl::OkStatus();
  for (const auto& entry : std::filesystem::directory_iterator(db_dir, error)) {
    if (entry.path().extension() != ".log" || !entry.is_regular_file(error)) continue;
    std::ifstream file(entry.path(), std::ios::binary);
    std::string contents((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (!file.good() && !file.eof()) {
      return absl::UnavailableError(absl::StrCat("mvcc: cannot read ", entry.path().string()));
    }
    absl::Status status = CheckLevelDbLog(contents, entry.path().string());
    if (!status.ok()) return status;
  }
  if (error) return absl::UnavailableError(absl::StrCat("mvcc: cannot list ", db_dir));
  return absl::OkStatus();
}

}  // namespace raftkv::storage
