// MvccStore on LevelDB: the in-memory key index is rebuilt from the persisted
// revision records on Open; writes go through MvccTxn and are committed as one
// LevelDB WriteBatch each.
//
// Locking: `write_mu_` serializes writers (the apply loop, maintenance);
// `mu_` guards the index and revision counters. Readers hold `mu_` shared for
// the whole read. A writer stages its transaction under a shared lock, writes
// LevelDB without holding `mu_` (so readers are not blocked by the fsync; the
// new records are unreachable until indexed), then takes `mu_` exclusively
// only to install the staged index entries.
#ifndef RAFTKV_STORAGE_MVCC_LEVELDB_STORE_H_
#define RAFTKV_STORAGE_MVCC_LEVELDB_STORE_H_

#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>

#include "leveldb/db.h"
#include "storage/key_index.h"
#include "storage/mvcc_db_size.h"
#include "storage/mvcc_fair_shared_mutex.h"
#include "storage/mvcc_store.h"
#include "storage/mvcc_txn.h"

namespace raftkv::storage {

class LevelDbMvccStore : public MvccStore {
 public:
  static absl::StatusOr<std::unique_ptr<LevelDbMvccStore>> OpenStore(const Options& options);
  ~LevelDbMvccStore() override = default;

  absl::StatusOr<etcdserverpb::RangeResponse> Range(
      const etcdserverpb::RangeRequest& request) const override;
  absl::StatusOr<etcdserverpb::PutResponse> Put(const etcdserverpb::PutRequest& request,
                                                uint64_t applied_index) override;
  absl::StatusOr<etcdserverpb::DeleteRangeResponse> DeleteRange(
      const etcdserverpb::DeleteRangeRequest& request, uint64_t applied_index) override;
  absl::StatusOr<etcdserverpb::TxnResponse> Txn(const etcdserverpb::TxnRequest& request,
                                                uint64_t applied_index) override;
  absl::StatusOr<etcdserverpb::CompactionResponse> Compact(
      const etcdserverpb::CompactionRequest& request, uint64_t applied_index) override;
  absl::Status SetAppliedIndex(uint64_t applied_index) override;

  int64_t CurrentRevision() const override;
  int64_t CompactRevision() const override;
  uint64_t AppliedIndex() const override;
  void SetEventSink(EventSink sink) override;

  absl::StatusOr<std::vector<mvccpb::Event>> Events(int64_t from_revision,
                                                    int64_t to_revision_inclusive,
                                                    const std::string& key,
                                                    const std::string& range_end,
                                                    size_t max_events) const override;
  absl::StatusOr<uint32_t> HashKV(int64_t revision, int64_t* compact_revision_out) const override;
  absl::Status WriteSnapshot(
      const std::function<absl::Status(std::string_view chunk)>& sink) const override;
  absl::Status ReplaceFromSnapshot(
      const std::function<absl::StatusOr<std::string>()>& next_chunk) override;
  absl::StatusOr<std::map<int64_t, std::vector<std::string>>> KeysByLease() const override;
  int64_t DbSizeBytes() const override;
  absl::Status Defragment() override;

 private:
  explicit LevelDbMvccStore(Options options)
      : options_(std::move(options)), db_size_(options_.path) {}

  absl::Status OpenDb();
  absl::Status Load();  // rebuilds index and counters from the database
  absl::Status LoadMeta(std::string_view name, int64_t default_value, int64_t* out);
  absl::Status RebuildIndex();

  // Runs `body` in a write transaction and commits what it changed.
  template <typename Response>
  absl::StatusOr<Response> RunWrite(uint64_t applied_index,
                                    const std::function<absl::StatusOr<Response>(MvccTxn&)>& body);
  absl::Status CommitStaged(MvccTxn& txn, uint64_t applied_index);
  void InstallStaged(MvccTxn& txn, uint64_t applied_index);

  // Drops index history below `revision`; returns the records still needed.
  // Caller holds `mu_` exclusively (or is the only user of the store).
  std::set<Revision> CompactIndex(int64_t revision);
  // Deletes the records compaction made unreachable and marks it finished.
  absl::Status DeleteCompacted(int64_t revision, const std::set<Revision>& keep,
                               uint64_t applied_index);

  leveldb::WriteOptions WriteOpts(bool sync) const;

  const Options options_;
  std::mutex write_mu_;
  // Held shared while a snapshot streams from `db_`, exclusively while
  // ReplaceFromSnapshot swaps `db_`. Order: write_mu_, db_life_mu_, mu_.
  mutable FairSharedMutex db_life_mu_;
  mutable FairSharedMutex mu_;
  std::unique_ptr<leveldb::DB> db_;
  KeyIndexTree index_;
  int64_t current_revision_ = 1;
  int64_t compact_revision_ = -1;
  uint64_t applied_index_ = 0;
  EventSink sink_;  // guarded by write_mu_
  DbSizeEstimate db_size_;
};

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_MVCC_LEVELDB_STORE_H_
