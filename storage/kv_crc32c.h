// CRC32C (Castagnoli), the checksum raftkv stores beside every persisted MVCC
// record and every snapshot chunk. The system LevelDB does not export its own
// implementation and this absl version has none, hence this small table-driven one.
#ifndef RAFTKV_STORAGE_KV_CRC32C_H_
#define RAFTKV_STORAGE_KV_CRC32C_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "storage/crc32c.h"

namespace raftkv::storage {

// Extends `crc` (the CRC32C of some earlier bytes, 0 for none) with `data`.
// std::string_view front end of storage/crc32c.h (Debian's absl::string_view is a
// distinct type, so the MVCC code, written against std::string_view, uses these).
inline uint32_t Crc32cExtend(uint32_t crc, std::string_view data) {
  return crc32c::Extend(crc, data.data(), data.size());
}

inline uint32_t Crc32c(std::string_view data) { return Crc32cExtend(0, data); }

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_KV_CRC32C_H_
