// CRC-32C (Castagnoli polynomial), the checksum guarding every WAL record and
// snapshot file. Castagnoli rather than the zlib CRC-32 because it detects more
// error patterns in long messages and is what etcd and LevelDB use.
#ifndef RAFTKV_STORAGE_CRC32C_H_
#define RAFTKV_STORAGE_CRC32C_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace raftkv::storage::crc32c {

// Returns the CRC-32C of `data` continued from `crc`, the CRC of the bytes before
// it; Extend(Extend(0, a), b) == Value(a + b). Lets large files be checked in chunks.
uint32_t Extend(uint32_t crc, const char* data, size_t n);

inline uint32_t Extend(uint32_t crc, absl::string_view data) {
  return Extend(crc, data.data(), data.size());
}

inline uint32_t Value(absl::string_view data) { return Extend(0, data); }

}  // namespace raftkv::storage::crc32c

#endif  // RAFTKV_STORAGE_CRC32C_H_
