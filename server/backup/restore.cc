#include "server/backup/restore.h"

#include <filesystem>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "server/backup/backup_file.h"
#include "server/lease/clock.h"
#include "server/lease/lease_store.h"
#include "server/lease/lessor.h"
#include "server/snapshot/state_snapshot.h"
#include "storage/mvcc_store.h"

namespace raftkv::server::backup {
namespace {

absl::Status CheckFreshDataDir(const std::string& data_dir) {
  std::error_code error;
  if (std::filesystem::exists(data_dir, error) && !std::filesystem::is_empty(data_dir, error)) {
    return absl::AlreadyExistsError(absl::StrCat("data-dir \"", data_dir, "\" exists"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RestoreResult> RestoreDataDir(const std::string& backup_path,
                                             const std::string& data_dir) {
  if (absl::Status s = CheckFreshDataDir(data_dir); !s.ok()) return s;
  const std::filesystem::path member_dir = std::filesystem::path(data_dir) / "member";
  std::error_code error;
  std::filesystem::create_directories(member_dir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", member_dir.string(), ": ", error.message()));
  }
  const std::string payload = (member_dir / "restore.snap.tmp").string();
  if (absl::Status s = ExtractPayload(backup_path, payload); !s.ok()) return s;

  auto store = storage::MvccStore::Open({(member_dir / "mvcc").string(), /*sync_writes=*/true});
  if (!store.ok()) return store.status();
  auto lease_store = lease::LeaseStore::Open({(member_dir / "lease").string(), true});
  if (!lease_store.ok()) return lease_store.status();
  lease::RealClock clock;
  auto lessor = lease::Lessor::Open(std::move(*lease_store), &clock, lease::LessorOptions());
  if (!lessor.ok()) return lessor.status();

  RestoreResult result;
  StateSnapshotTarget target;
  target.store = store->get();
  target.restore_leases = [&](const std::vector<internalpb::LeaseRecord>& leases, uint64_t) {
    std::vector<lease::LeaseRecord> records;
    for (const auto& l : leases) records.push_back({l.id(), l.ttl(), l.remaining_ttl()});
    result.leases = records.size();
    // Index 0: the new cluster's log starts over.
    return (*lessor)->ReplaceAll(records, 0);
  };
  if (absl::Status s = RestoreStateSnapshot(payload, target); !s.ok()) return s;
  // The old cluster's log positions mean nothing to the new one.
  if (absl::Status s = (*store)->SetAppliedIndex(0); !s.ok()) return s;
  result.revision = (*store)->CurrentRevision();
  std::filesystem::remove(payload, error);
  return result;
}

}  // namespace raftkv::server::backup
