#include "storage/mvcc_leveldb_store.h"

#include <filesystem>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "leveldb/iterator.h"
#include "leveldb/write_batch.h"
#include "storage/kv_leveldb.h"
#include "storage/kv_log_check.h"
#include "storage/kv_record.h"
#include "storage/mvcc_errors.h"
#include "storage/mvcc_snapshot_swap.h"

namespace raftkv::storage {

absl::StatusOr<std::unique_ptr<MvccStore>> MvccStore::Open(const Options& options) {
  absl::StatusOr<std::unique_ptr<LevelDbMvccStore>> store = LevelDbMvccStore::OpenStore(options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<MvccStore>(std::move(*store));
}

absl::StatusOr<std::unique_ptr<LevelDbMvccStore>> LevelDbMvccStore::OpenStore(
    const Options& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("mvcc: empty database path");
  if (absl::Status s = FinishSnapshotSwap(options.path); !s.ok()) return s;
  if (absl::Status s = CheckLevelDbLogs(options.path); !s.ok()) return s;
  std::unique_ptr<LevelDbMvccStore> store(new LevelDbMvccStore(options));
  if (absl::Status s = store->OpenDb(); !s.ok()) return s;
  if (absl::Status s = store->Load(); !s.ok()) return s;
  return store;
}

absl::Status LevelDbMvccStore::OpenDb() {
  leveldb::Options options;
  options.create_if_missing = true;
  options.paranoid_checks = true;  // refuse to open damaged logs/tables
  leveldb::DB* db = nullptr;
  leveldb::Status status = leveldb::DB::Open(options, options_.path, &db);
  if (!status.ok()) return FromLevelDb(status, absl::StrCat("open ", options_.path));
  db_.reset(db);
  return absl::OkStatus();
}

absl::Status LevelDbMvccStore::LoadMeta(std::string_view name, int64_t default_value,
                                        int64_t* out) {
  std::string db_key = MetaKey(name);
  std::string value;
  leveldb::Status status = db_->Get(VerifiedReadOptions(), db_key, &value);
  if (status.IsNotFound()) {
    *out = default_value;
    return absl::OkStatus();
  }
  if (!status.ok()) return FromLevelDb(status, absl::StrCat("read ", std::string(name)));
  absl::StatusOr<int64_t> decoded = DecodeMeta(db_key, value);
  if (!decoded.ok()) return decoded.status();
  *out = *decoded;
  return absl::OkStatus();
}

absl::Status LevelDbMvccStore::Load() {
  int64_t format = 0, scheduled = 0, applied = 0;
  if (absl::Status s = LoadMeta(kMetaFormatVersion, 1, &format); !s.ok()) return s;
  if (format != 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("mvcc: unsupported database format version ", format));
  }
  if (absl::Status s = LoadMeta(kMetaCurrentRevision, 1, &current_revision_); !s.ok()) return s;
  if (absl::Status s = LoadMeta(kMetaCompactRevision, -1, &compact_revision_); !s.ok()) return s;
  if (absl::Status s = LoadMeta(kMetaScheduledCompact, -1, &scheduled); !s.ok()) return s;
  if (absl::Status s = LoadMeta(kMetaAppliedIndex, 0, &applied); !s.ok()) return s;
  applied_index_ = static_cast<uint64_t>(applied);
  if (absl::Status s = RebuildIndex(); !s.ok()) return s;
  if (scheduled > compact_revision_) {
    // A compaction was interrupted by a crash: finish it.
    std::set<Revision> keep = CompactIndex(scheduled);
    return DeleteCompacted(scheduled, keep, 0);
  }
  return absl::OkStatus();
}

absl::Status LevelDbMvccStore::RebuildIndex() {
  index_.clear();
  int64_t newest = 0;
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(VerifiedReadOptions()));
  for (it->Seek(std::string(1, kRecordKeyPrefix)); it->Valid() && IsRecordKey(it->key().ToString());
       it->Next()) {
    std::string db_key = it->key().ToString();
    absl::StatusOr<Revision> revision = RevisionOfRecordKey(db_key);
    if (!revision.ok()) return revision.status();
    absl::StatusOr<StoredRecord> record =
        DecodeRecord(db_key, std::string_view(it->value().data(), it->value().size()));
    if (!record.ok()) return record.status();
    newest = std::max(newest, revision->main);
    const std::string& key = record->kv.key();
    if (record->tombstone) {
      // A tombstone whose put was compacted away has nothing left to end.
      if (auto entry = index_.find(key); entry != index_.end()) entry->second.Tombstone(*revision);
      continue;
    }
    KeyIndex& entry = index_[key];
    if (entry.IsLive()) {
      entry.Put(*revision);
    } else {
      entry.Restore(Revision{record->kv.create_revision(), 0}, *revision, record->kv.version());
    }
  }
  if (!it->status().ok()) return FromLevelDb(it->status(), "scan revision records");
  current_revision_ = std::max({current_revision_, newest, compact_revision_});
  return absl::OkStatus();
}

leveldb::WriteOptions LevelDbMvccStore::WriteOpts(bool sync) const {
  leveldb::WriteOptions options;
  options.sync = sync && options_.sync_writes;
  return options;
}

absl::StatusOr<etcdserverpb::RangeResponse> LevelDbMvccStore::Range(
    const etcdserverpb::RangeRequest& request) const {
  std::shared_lock lock(mu_);
  MvccTxn view(&index_, db_.get(), current_revision_, compact_revision_);
  return view.Range(request);
}

template <typename Response>
absl::StatusOr<Response> LevelDbMvccStore::RunWrite(
    uint64_t applied_index, const std::function<absl::StatusOr<Response>(MvccTxn&)>& body) {
  std::lock_guard write_lock(write_mu_);
  std::optional<MvccTxn> txn;
  absl::StatusOr<Response> response;
  std::vector<mvccpb::Event> events;
  {
    // Writers are serialized, so the committed state cannot move under us;
    // readers may keep reading it meanwhile.
    std::shared_lock lock(mu_);
    txn.emplace(&index_, db_.get(), current_revision_, compact_revision_);
    response = body(*txn);
    if (!response.ok()) return response.status();
    if (txn->HasChanges() && sink_) {
      absl::StatusOr<std::vector<mvccpb::Event>> built = txn->BuildEvents();
      if (!built.ok()) return built.status();
      events = std::move(*built);
    }
  }
  if (absl::Status s = CommitStaged(*txn, applied_index); !s.ok()) return s;
  InstallStaged(*txn, applied_index);
  if (!events.empty()) sink_(txn->BeginRevision() + 1, events);
  return response;
}

absl::Status LevelDbMvccStore::CommitStaged(MvccTxn& txn, uint64_t applied_index) {
  leveldb::WriteBatch* batch = txn.batch();
  if (txn.HasChanges()) {
    std::string key = MetaKey(kMetaCurrentRevision);
    batch->Put(key, EncodeMeta(key, txn.BeginRevision() + 1));
  }
  if (applied_index != 0) {
    std::string key = MetaKey(kMetaAppliedIndex);
    batch->Put(key, EncodeMeta(key, static_cast<int64_t>(applied_index)));
  }
  if (!txn.HasChanges() && applied_index == 0) return absl::OkStatus();
  // A command that changed nothing need not be durable: replaying it is harmless.
  db_size_.AddWritten(static_cast<int64_t>(batch->ApproximateSize()));
  return FromLevelDb(db_->Write(WriteOpts(txn.HasChanges()), batch), "write batch");
}

void LevelDbMvccStore::InstallStaged(MvccTxn& txn, uint64_t applied_index) {
  std::unique_lock lock(mu_);
  for (auto& [key, entry] : txn.overlay()) index_[key] = std::move(entry);
  if (txn.HasChanges()) current_revision_ = txn.BeginRevision() + 1;
  if (applied_index != 0) applied_index_ = applied_index;
}

absl::StatusOr<etcdserverpb::PutResponse> LevelDbMvccStore::Put(
    const etcdserverpb::PutRequest& request, uint64_t applied_index) {
  return RunWrite<etcdserverpb::PutResponse>(applied_index,
                                             [&request](MvccTxn& txn) { return txn.Put(request); });
}

absl::StatusOr<etcdserverpb::DeleteRangeResponse> LevelDbMvccStore::DeleteRange(
    const etcdserverpb::DeleteRangeRequest& request, uint64_t applied_index) {
  return RunWrite<etcdserverpb::DeleteRangeResponse>(
      applied_index, [&request](MvccTxn& txn) { return txn.DeleteRange(request); });
}

absl::StatusOr<etcdserverpb::TxnResponse> LevelDbMvccStore::Txn(
    const etcdserverpb::TxnRequest& request, uint64_t applied_index) {
  return RunWrite<etcdserverpb::TxnResponse>(applied_index,
                                             [&request](MvccTxn& txn) { return txn.Txn(request); });
}

absl::Status LevelDbMvccStore::SetAppliedIndex(uint64_t applied_index) {
  std::lock_guard write_lock(write_mu_);
  std::string key = MetaKey(kMetaAppliedIndex);
  leveldb::WriteBatch batch;
  batch.Put(key, EncodeMeta(key, static_cast<int64_t>(applied_index)));
  if (absl::Status s = FromLevelDb(db_->Write(WriteOpts(false), &batch), "write applied index");
      !s.ok()) {
    return s;
  }
  std::unique_lock lock(mu_);
  applied_index_ = applied_index;
  return absl::OkStatus();
}

int64_t LevelDbMvccStore::CurrentRevision() const {
  std::shared_lock lock(mu_);
  return current_revision_;
}

int64_t LevelDbMvccStore::CompactRevision() const {
  std::shared_lock lock(mu_);
  return compact_revision_;
}

uint64_t LevelDbMvccStore::AppliedIndex() const {
  std::shared_lock lock(mu_);
  return applied_index_;
}

void LevelDbMvccStore::SetEventSink(EventSink sink) {
  std::lock_guard write_lock(write_mu_);
  sink_ = std::move(sink);
}

absl::StatusOr<std::map<int64_t, std::vector<std::string>>> LevelDbMvccStore::KeysByLease() const {
  std::shared_lock lock(mu_);
  MvccTxn view(&index_, db_.get(), current_revision_, compact_revision_);
  std::map<int64_t, std::vector<std::string>> keys;
  for (const auto& [key, entry] : index_) {
    std::optional<KeyIndex::Hit> hit = entry.Get(current_revision_);
    if (!hit) continue;
    absl::StatusOr<StoredRecord> record = view.ReadRecord(hit->modified);
    if (!record.ok()) return record.status();
    if (record->kv.lease() != 0) keys[record->kv.lease()].push_back(key);
  }
  return keys;
}

}  // namespace raftkv::storage
