// One read or write transaction over the MVCC state, with etcd's semantics
// (mvcc/kvstore_txn.go + etcdserver/apply.go).
//
// A write transaction never touches the shared index: changed keys get a
// private copy (the overlay) and new records wait in a LevelDB WriteBatch plus
// an in-memory map, so reads inside the transaction see its earlier writes
// while concurrent readers keep seeing the committed state. The owner commits
// by writing the batch and then installing the overlay; dropping the object
// aborts.
#ifndef RAFTKV_STORAGE_MVCC_TXN_H_
#define RAFTKV_STORAGE_MVCC_TXN_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "leveldb/db.h"
#include "leveldb/write_batch.h"
#include "proto/kv.pb.h"
#include "proto/rpc.pb.h"
#include "storage/key_index.h"
#include "storage/kv_record.h"
#include "storage/revision.h"

namespace raftkv::storage {

class MvccTxn {
 public:
  // `index` and `db` must stay unchanged (apart from this txn) while it lives.
  MvccTxn(const KeyIndexTree* index, leveldb::DB* db, int64_t current_revision,
          int64_t compact_revision);

  // The revision reads see: the committed one, or the one being written once
  // this transaction has changed something.
  int64_t ReadRevision() const { return begin_revision_ + (changes_.empty() ? 0 : 1); }
  int64_t BeginRevision() const { return begin_revision_; }

  absl::StatusOr<etcdserverpb::RangeResponse> Range(const etcdserverpb::RangeRequest& r) const;
  absl::StatusOr<etcdserverpb::PutResponse> Put(const etcdserverpb::PutRequest& r);
  absl::StatusOr<etcdserverpb::DeleteRangeResponse> DeleteRange(
      const etcdserverpb::DeleteRangeRequest& r);
  absl::StatusOr<etcdserverpb::TxnResponse> Txn(const etcdserverpb::TxnRequest& r);

  // Live keys of `span` at `at_rev` with their index entry, ordered by key.
  std::vector<std::pair<std::string, KeyIndex::Hit>> Lookup(const KeySpan& span,
                                                            int64_t at_rev) const;
  absl::StatusOr<StoredRecord> ReadRecord(Revision revision) const;

  // For the committer.
  bool HasChanges() const { return !changes_.empty(); }
  leveldb::WriteBatch* batch() { return &batch_; }
  std::map<std::string, KeyIndex>& overlay() { return overlay_; }
  // Watch events of the changes, each with the key's value before this txn.
  absl::StatusOr<std::vector<mvccpb::Event>> BuildEvents() const;

 private:
  struct RangeResult {
    std::vector<mvccpb::KeyValue> kvs;
    int64_t count = 0;
  };
  struct Change {
    Revision revision;
    StoredRecord record;
  };

  absl::StatusOr<RangeResult> RangeKeys(const KeySpan& span, int64_t at_rev, int64_t limit,
                                        bool count_only) const;
  const KeyIndex* FindIndex(const std::string& key) const;
  KeyIndex& MutableIndex(const std::string& key);
  void Record(Revision revision, StoredRecord record);

  // Nested-transaction plumbing: `path` holds every compare outcome in
  // pre-order, decided on the state before any op runs (as etcd does).
  void ComputePath(const etcdserverpb::TxnRequest& r, std::vector<bool>* path) const;
  absl::Status CheckOps(const etcdserverpb::TxnRequest& r, const std::vector<bool>& path,
                        size_t* pos) const;
  absl::Status ApplyOps(const etcdserverpb::TxnRequest& r, const std::vector<bool>& path,
                        size_t* pos, etcdserverpb::TxnResponse* response);

  const KeyIndexTree* index_;
  leveldb::DB* db_;
  int64_t begin_revision_;
  int64_t compact_revision_;
  std::map<std::string, KeyIndex> overlay_;
  std::map<Revision, StoredRecord> pending_;
  std::vector<Change> changes_;
  leveldb::WriteBatch batch_;
};

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_MVCC_TXN_H_
