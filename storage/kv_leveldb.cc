#include "storage/kv_leveldb.h"

#include "absl/strings/str_cat.h"

namespace raftkv::storage {

absl::Status FromLevelDb(const leveldb::Status& status, std::string_view context) {
  if (status.ok()) return absl::OkStatus();
  std::string message = absl::StrCat("mvcc: ", std::string(context), ": ", status.ToString());
  if (status.IsCorruption()) {
    return absl::DataLossError(absl::StrCat(message, " (database is corrupted)"));
  }
  if (status.IsNotFound()) return absl::NotFoundError(message);
  if (status.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  if (status.IsIOError()) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

}  // namespace raftkv::storage
