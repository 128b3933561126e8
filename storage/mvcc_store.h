// The MVCC key-value store: etcd v3 semantics (revisions, versions, tombstones,
// history, compaction) on top of LevelDB.
//
// Reads are served from the in-memory key index plus LevelDB; every write call is
// one revision and one atomic LevelDB batch that also records `applied_index`, so
// replaying the Raft log after a crash can skip what is already applied.
//
// Thread-safety: any number of concurrent readers, one writer (the apply loop).
#ifndef RAFTKV_STORAGE_MVCC_STORE_H_
#define RAFTKV_STORAGE_MVCC_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/kv.pb.h"
#include "proto/rpc.pb.h"

namespace raftkv::storage {

// Errors carry etcd's exact messages; the gRPC layer maps codes 1:1:
//   OutOfRange "etcdserver: mvcc: required revision has been compacted"
//   OutOfRange "etcdserver: mvcc: required revision is a future revision"
//   InvalidArgument for malformed requests.
class MvccStore {
 public:
  struct Options {
    std::string path;     // LevelDB directory, created if missing
    bool sync_writes = true;  // fsync each write batch (turn off only in tests)
  };

  // Called after each committed write revision with the events it produced,
  // in order. Used by the watch hub.
  using EventSink =
      std::function<void(int64_t revision, const std::vector<mvccpb::Event>&)>;

  static absl::StatusOr<std::unique_ptr<MvccStore>> Open(const Options& options);
  virtual ~MvccStore() = default;

  // Reads. The response header's `revision` is filled (current revision).
  virtual absl::StatusOr<etcdserverpb::RangeResponse> Range(
      const etcdserverpb::RangeRequest& request) const = 0;

  // Writes. `applied_index` is the Raft log index of the command (0 outside Raft)
  // and is persisted atomically with the change.
  virtual absl::StatusOr<etcdserverpb::PutResponse> Put(
      const etcdserverpb::PutRequest& request, uint64_t applied_index) = 0;
  virtual absl::StatusOr<etcdserverpb::DeleteRangeResponse> DeleteRange(
      const etcdserverpb::DeleteRangeRequest& request, uint64_t applied_index) = 0;
  // The whole transaction (including nested txns) is one revision; a txn that
  // changes nothing does not advance the revision.
  virtual absl::StatusOr<etcdserverpb::TxnResponse> Txn(
      const etcdserverpb::TxnRequest& request, uint64_t applied_index) = 0;
  virtual absl::StatusOr<etcdserverpb::CompactionResponse> Compact(
      const etcdserverpb::CompactionRequest& request, uint64_t applied_index) = 0;
  // Records `applied_index` for a command that did not touch the store.
  virtual absl::Status SetAppliedIndex(uint64_t applied_index) = 0;

  virtual int64_t CurrentRevision() const = 0;
  virtual int64_t CompactRevision() const = 0;
  virtual uint64_t AppliedIndex() const = 0;

  virtual void SetEventSink(EventSink sink) = 0;
};

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_MVCC_STORE_H_
