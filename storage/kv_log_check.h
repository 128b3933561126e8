// Pre-open check of LevelDB's write-ahead log files.
//
// LevelDB treats a log record whose length runs past the end of the file as a
// write torn by a crash and silently drops it *and everything after it*, even
// with paranoid_checks. A single flipped bit in a record header therefore
// loses acknowledged writes without any error. This check tells the two
// apart: a genuine torn tail has no intact record after it; if one exists,
// the log was damaged and opening must fail with DataLoss.
#ifndef RAFTKV_STORAGE_KV_LOG_CHECK_H_
#define RAFTKV_STORAGE_KV_LOG_CHECK_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace raftkv::storage {

// Checks every "*.log" file of the LevelDB directory `db_dir` (absent = OK).
absl::Status CheckLevelDbLogs(const std::string& db_dir);

// Checks one log file's contents; `name` is used in the error message.
absl::Status CheckLevelDbLog(std::string_view contents, std::string_view name);

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_KV_LOG_CHECK_H_
