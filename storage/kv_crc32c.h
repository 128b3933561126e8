// CRC32C (Castagnoli), the checksum raftkv stores beside every persisted MVCC
// record and every snapshot chunk. The system LevelDB does not export its own
// implementation and this absl version has none, hence this small table-driven one.
#ifndef RAFTKV_STORAGE_KV_CRC32C_H_
#define RAFTKV_STORAGE_KV_CRC32C_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace raftkv::storage {

// Extends `crc` (the CRC32C of some earlier bytes, 0 for none) with `data`.
uint32_t Crc32cExtend(uint32_t crc, std::string_view data);

inline uint32_t Crc32c(std::string_view data) { return Crc32cExtend(0, data); }

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_KV_CRC32C_H_
