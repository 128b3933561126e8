// Glue between LevelDB and the MVCC store: status mapping and the options that
// make LevelDB verify its own block checksums.
#ifndef RAFTKV_STORAGE_KV_LEVELDB_H_
#define RAFTKV_STORAGE_KV_LEVELDB_H_

#include <string_view>

#include "absl/status/status.h"
#include "leveldb/options.h"
#include "leveldb/status.h"

namespace raftkv::storage {

// Corruption becomes DataLoss (never silently served); IO errors Unavailable.
absl::Status FromLevelDb(const leveldb::Status& status, std::string_view context);

// Reads always verify LevelDB block checksums.
inline leveldb::ReadOptions VerifiedReadOptions() {
  leveldb::ReadOptions options;
  options.verify_checksums = true;
  return options;
}

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_KV_LEVELDB_H_
