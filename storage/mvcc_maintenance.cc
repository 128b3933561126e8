// LevelDbMvccStore: compaction, history (Events), HashKV, snapshots and
// database maintenance.
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "leveldb/iterator.h"
#include "leveldb/write_batch.h"
#include "storage/kv_crc32c.h"
#include "storage/kv_leveldb.h"
#include "storage/kv_record.h"
#include "storage/mvcc_errors.h"
#include "storage/mvcc_leveldb_store.h"
#include "storage/mvcc_snapshot_stream.h"
#include "storage/mvcc_snapshot_swap.h"

namespace raftkv::storage {
namespace {

// Large deletions and restores are split so one batch stays small in memory.
constexpr size_t kMaxBatchBytes = 4 << 20;

std::string_view View(const leveldb::Slice& slice) { return {slice.data(), slice.size()}; }

}  // namespace

absl::StatusOr<etcdserverpb::CompactionResponse> LevelDbMvccStore::Compact(
    const etcdserverpb::CompactionRequest& request, uint64_t applied_index) {
  std::lock_guard write_lock(write_mu_);
  int64_t revision = request.revision();
  {
    std::shared_lock lock(mu_);
    if (revision <= compact_revision_) return CompactedError();
    if (revision > current_revision_) return FutureRevisionError();
  }
  // Persist the intent first so a crash mid-way finishes the job on Open.
  std::string key = MetaKey(kMetaScheduledCompact);
  leveldb::WriteBatch intent;
  intent.Put(key, EncodeMeta(key, revision));
  if (absl::Status s = FromLevelDb(db_->Write(WriteOpts(true), &intent), "schedule compaction");
      !s.ok()) {
    return s;
  }
  std::set<Revision> keep;
  {
    std::unique_lock lock(mu_);
    keep = CompactIndex(revision);
  }
  if (absl::Status s = DeleteCompacted(revision, keep, applied_index); !s.ok()) return s;
  db_size_.Invalidate();
  etcdserverpb::CompactionResponse response;
  std::unique_lock lock(mu_);
  if (applied_index != 0) applied_index_ = applied_index;
  response.mutable_header()->set_revision(current_revision_);
  return response;
}

std::set<Revision> LevelDbMvccStore::CompactIndex(int64_t revision) {
  std::set<Revision> keep;
  compact_revision_ = revision;
  for (auto it = index_.begin(); it != index_.end();) {
    it->second.Compact(revision, &keep);
    it = it->second.IsEmpty() ? index_.erase(it) : std::next(it);
  }
  return keep;
}

absl::Status LevelDbMvccStore::DeleteCompacted(int64_t revision, const std::set<Revision>& keep,
                                               uint64_t applied_index) {
  // Readers never look below the compact revision except at `keep`, so the
  // deletion runs without blocking them.
  leveldb::WriteBatch batch;
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(VerifiedReadOptions()));
  for (it->Seek(RecordKey(Revision{0, 0})); it->Valid() && IsRecordKey(View(it->key()));
       it->Next()) {
    absl::StatusOr<Revision> at = RevisionOfRecordKey(View(it->key()));
    if (!at.ok()) return at.status();
    if (at->main > revision) break;
    if (keep.count(*at) != 0) continue;
    batch.Delete(it->key());
    if (batch.ApproximateSize() > kMaxBatchBytes) {
      if (absl::Status s = FromLevelDb(db_->Write(WriteOpts(false), &batch), "compact"); !s.ok()) {
        return s;
      }
      batch.Clear();
    }
  }
  if (!it->status().ok()) return FromLevelDb(it->status(), "scan for compaction");
  std::string key = MetaKey(kMetaCompactRevision);
  batch.Put(key, EncodeMeta(key, revision));
  if (applied_index != 0) {
    std::string applied_key = MetaKey(kMetaAppliedIndex);
    batch.Put(applied_key, EncodeMeta(applied_key, static_cast<int64_t>(applied_index)));
  }
  return FromLevelDb(db_->Write(WriteOpts(true), &batch), "finish compaction");
}

absl::StatusOr<std::vector<mvccpb::Event>> LevelDbMvccStore::Events(int64_t from_revision,
                                                                    int64_t to_revision_inclusive,
                                                                    const std::string& key,
                                                                    const std::string& range_end,
                                                                    size_t max_events) const {
  std::shared_lock lock(mu_);
  if (from_revision < compact_revision_) return CompactedError();
  from_revision = std::max<int64_t>(from_revision, 1);
  int64_t to = std::min(to_revision_inclusive, current_revision_);
  KeySpan span{key, range_end};
  MvccTxn view(&index_, db_.get(), current_revision_, compact_revision_);
  std::vector<mvccpb::Event> events;
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(VerifiedReadOptions()));
  for (it->Seek(RecordKey(Revision{from_revision, 0})); it->Valid() && IsRecordKey(View(it->key()));
       it->Next()) {
    std::string_view db_key = View(it->key());
    absl::StatusOr<Revision> at = RevisionOfRecordKey(db_key);
    if (!at.ok()) return at.status();
    if (at->main > to) break;
    bool full = max_events != 0 && events.size() >= max_events;
    if (full && events.back().kv().mod_revision() != at->main) break;
    absl::StatusOr<StoredRecord> record = DecodeRecord(db_key, View(it->value()));
    if (!record.ok()) return record.status();
    if (!span.Contains(record->kv.key())) continue;
    mvccpb::Event event;
    if (record->tombstone) {
      event.set_type(mvccpb::Event::DELETE);
      event.mutable_kv()->set_key(record->kv.key());
      event.mutable_kv()->set_mod_revision(at->main);
    } else {
      event.set_type(mvccpb::Event::PUT);
      *event.mutable_kv() = std::move(record->kv);
    }
    if (at->main - 1 >= compact_revision_) {
      auto previous = view.Lookup(KeySpan{event.kv().key(), ""}, at->main - 1);
      if (!previous.empty()) {
        absl::StatusOr<StoredRecord> prev = view.ReadRecord(previous[0].second.modified);
        if (!prev.ok()) return prev.status();
        *event.mutable_prev_kv() = std::move(prev->kv);
      }
    }
    events.push_back(std::move(event));
  }
  if (!it->status().ok()) return FromLevelDb(it->status(), "scan history");
  return events;
}

absl::StatusOr<uint32_t> LevelDbMvccStore::HashKV(int64_t revision,
                                                  int64_t* compact_revision_out) const {
  std::shared_lock lock(mu_);
  if (compact_revision_out != nullptr) *compact_revision_out = compact_revision_;
  if (revision > 0 && revision <= compact_revision_) return CompactedError();
  if (revision > current_revision_) return FutureRevisionError();
  if (revision <= 0) revision = current_revision_;
  std::set<Revision> keep;
  for (const auto& [key, entry] : index_) entry.Keep(revision, &keep);
  uint32_t crc = Crc32c("key");
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(VerifiedReadOptions()));
  for (it->Seek(RecordKey(Revision{0, 0})); it->Valid() && IsRecordKey(View(it->key()));
       it->Next()) {
    absl::StatusOr<Revision> at = RevisionOfRecordKey(View(it->key()));
    if (!at.ok()) return at.status();
    if (at->main > revision) break;
    // Skip what a finished compaction deletes, so the hash does not depend on
    // whether this member already deleted it.
    if (at->main <= compact_revision_ && !keep.empty() && keep.count(*at) == 0) continue;
    // Verify, then hash without the stored CRC: a CRC followed by its own
    // checksum would collapse every record to the same contribution.
    absl::StatusOr<StoredRecord> record = DecodeRecord(View(it->key()), View(it->value()));
    if (!record.ok()) return record.status();
    std::string_view value = View(it->value());
    crc = Crc32cExtend(crc, View(it->key()));
    crc = Crc32cExtend(crc, value.substr(0, value.size() - 4));
  }
  if (!it->status().ok()) return FromLevelDb(it->status(), "scan for hash");
  return crc;
}

absl::Status LevelDbMvccStore::WriteSnapshot(
    const std::function<absl::Status(std::string_view chunk)>& sink) const {
  std::shared_lock life(db_life_mu_);
  const leveldb::Snapshot* snapshot = db_->GetSnapshot();
  leveldb::ReadOptions options = VerifiedReadOptions();
  options.snapshot = snapshot;
  absl::Status status;
  {
    std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(options));
    SnapshotStreamWriter writer(sink);
    for (it->SeekToFirst(); it->Valid() && status.ok(); it->Next()) {
      status = writer.Add(View(it->key()), View(it->value()));
    }
    if (status.ok()) status = FromLevelDb(it->status(), "scan for snapshot");
    if (status.ok()) status = writer.Finish();
  }
  db_->ReleaseSnapshot(snapshot);
  return status;
}

absl::Status MvccStore::RestoreSnapshot(
    const std::string& path, const std::function<absl::StatusOr<std::string>()>& next_chunk) {
  leveldb::Options options;
  options.create_if_missing = true;
  options.error_if_exists = true;
  options.paranoid_checks = true;
  leveldb::DB* raw = nullptr;
  if (absl::Status s = FromLevelDb(leveldb::DB::Open(options, path, &raw), "create " + path);
      !s.ok()) {
    return s;
  }
  std::unique_ptr<leveldb::DB> db(raw);
  leveldb::WriteBatch batch;
  leveldb::WriteOptions no_sync;
  absl::Status status;
  SnapshotStreamReader reader([&](std::string_view key, std::string_view value) {
    batch.Put(leveldb::Slice(key.data(), key.size()), leveldb::Slice(value.data(), value.size()));
    if (batch.ApproximateSize() < kMaxBatchBytes) return absl::OkStatus();
    absl::Status s = FromLevelDb(db->Write(no_sync, &batch), "restore snapshot");
    batch.Clear();
    return s;
  });
  while (status.ok()) {
    absl::StatusOr<std::string> chunk = next_chunk();
    if (!chunk.ok()) {
      status = chunk.status();
    } else if (chunk->empty()) {
      break;
    } else {
      status = reader.Feed(*chunk);
    }
  }
  if (status.ok()) status = reader.Finish();
  if (status.ok()) {
    leveldb::WriteOptions sync;
    sync.sync = true;
    status = FromLevelDb(db->Write(sync, &batch), "restore snapshot");
  }
  db.reset();
  if (!status.ok()) leveldb::DestroyDB(path, leveldb::Options());
  return status;
}

absl::Status LevelDbMvccStore::ReplaceFromSnapshot(
    const std::function<absl::StatusOr<std::string>()>& next_chunk) {
  const std::string building = SnapshotBuildingPath(options_.path);
  if (absl::Status s = RemoveDirectory(building); !s.ok()) return s;
  absl::Status status = RestoreSnapshot(building, next_chunk);
  if (status.ok()) {
    // Verify before swapping: the restored store must open cleanly.
    Options check = options_;
    check.path = building;
    absl::StatusOr<std::unique_ptr<LevelDbMvccStore>> opened = OpenStore(check);
    status = opened.status();
  }
  if (status.ok()) status = MarkSnapshotComplete(options_.path);
  if (!status.ok()) {
    RemoveDirectory(building).IgnoreError();
    return status;
  }
  std::lock_guard write_lock(write_mu_);
  std::unique_lock life(db_life_mu_);
  std::unique_lock lock(mu_);
  db_.reset();
  if (absl::Status s = FinishSnapshotSwap(options_.path); !s.ok()) return s;
  if (absl::Status s = OpenDb(); !s.ok()) return s;
  db_size_.Invalidate();
  return Load();
}

int64_t LevelDbMvccStore::DbSizeBytes() const { return db_size_.Bytes(); }

absl::Status LevelDbMvccStore::Defragment() {
  std::shared_lock life(db_life_mu_);
  db_->CompactRange(nullptr, nullptr);
  db_size_.Invalidate();
  return absl::OkStatus();
}

}  // namespace raftkv::storage
