#include "server/lease/lease_store.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "leveldb/db.h"
#include "leveldb/write_batch.h"

namespace raftkv::server::lease {
namespace {

// Key layout: "i" -> applied index; "l" + big-endian id -> record.
constexpr char kAppliedIndexKey[] = "i";
constexpr char kLeasePrefix = 'l';

void AppendFixed64(std::string* out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(value >> shift));
}

uint64_t ReadFixed64(const char* data) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(data[i]);
  return value;
}

std::string LeaseKey(int64_t id) {
  std::string key(1, kLeasePrefix);
  AppendFixed64(&key, static_cast<uint64_t>(id));
  return key;
}

std::string EncodeRecord(const LeaseRecord& record) {
  std::string value;
  AppendFixed64(&value, static_cast<uint64_t>(record.ttl));
  AppendFixed64(&value, static_cast<uint64_t>(record.remaining_ttl));
  return value;
}

absl::Status ToStatus(const leveldb::Status& status, const char* what) {
  if (status.ok()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("lease store: ", what, ": ", status.ToString()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<LeaseStore>> LeaseStore::Open(const Options& options) {
  std::error_code ignored;
  std::filesystem::create_directories(std::filesystem::path(options.path).parent_path(), ignored);
  leveldb::Options db_options;
  db_options.create_if_missing = true;
  db_options.paranoid_checks = true;  // report corruption instead of serving damaged data
  leveldb::DB* raw = nullptr;
  absl::Status opened = ToStatus(leveldb::DB::Open(db_options, options.path, &raw), "open");
  if (!opened.ok()) return opened;
  std::unique_ptr<leveldb::DB> db(raw);
  std::string index_value;
  uint64_t applied_index = 0;
  leveldb::Status got = db->Get(leveldb::ReadOptions(), kAppliedIndexKey, &index_value);
  if (got.ok()) {
    if (index_value.size() != 8) return absl::DataLossError("lease store: bad applied index");
    applied_index = ReadFixed64(index_value.data());
  } else if (!got.IsNotFound()) {
    return ToStatus(got, "read applied index");
  }
  return std::unique_ptr<LeaseStore>(
      new LeaseStore(std::move(db), options.sync_writes, applied_index));
}

LeaseStore::LeaseStore(std::unique_ptr<leveldb::DB> db, bool sync, uint64_t applied_index)
    : db_(std::move(db)), sync_(sync), applied_index_(applied_index) {}

LeaseStore::~LeaseStore() = default;

absl::StatusOr<std::vector<LeaseRecord>> LeaseStore::LoadAll() const {
  std::vector<LeaseRecord> records;
  leveldb::ReadOptions read_options;
  read_options.verify_checksums = true;
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(read_options));
  for (it->Seek(std::string(1, kLeasePrefix)); it->Valid(); it->Next()) {
    leveldb::Slice key = it->key();
    if (key.size() != 9 || key[0] != kLeasePrefix) break;
    leveldb::Slice value = it->value();
    if (value.size() != 16) return absl::DataLossError("lease store: bad lease record");
    LeaseRecord record;
    record.id = static_cast<int64_t>(ReadFixed64(key.data() + 1));
    record.ttl = static_cast<int64_t>(ReadFixed64(value.data()));
    record.remaining_ttl = static_cast<int64_t>(ReadFixed64(value.data() + 8));
    records.push_back(record);
  }
  if (!it->status().ok()) return ToStatus(it->status(), "scan");
  return records;
}

absl::Status LeaseStore::Commit(const std::vector<LeaseRecord>& puts,
                                const std::vector<int64_t>& deletes, uint64_t applied_index) {
  leveldb::WriteBatch batch;
  for (const LeaseRecord& record : puts) batch.Put(LeaseKey(record.id), EncodeRecord(record));
  for (int64_t id : deletes) batch.Delete(LeaseKey(id));
  std::string index_value;
  AppendFixed64(&index_value, applied_index);
  batch.Put(kAppliedIndexKey, index_value);
  leveldb::WriteOptions write_options;
  write_options.sync = sync_;
  absl::Status written = ToStatus(db_->Write(write_options, &batch), "write");
  if (written.ok()) applied_index_ = applied_index;
  return written;
}

absl::Status LeaseStore::Sync() {
  if (sync_) return absl::OkStatus();  // every write was already synced
  // LevelDB syncs its log on a synced write; an empty batch syncs everything before it.
  leveldb::WriteBatch empty;
  leveldb::WriteOptions write_options;
  write_options.sync = true;
  return ToStatus(db_->Write(write_options, &empty), "sync");
}

}  // namespace raftkv::server::lease
