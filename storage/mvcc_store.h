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
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/kv.pb.h"
#include "proto/rpc.pb.h"

namespace raftkv::storage {

// Errors carry etcd's exact messages; the gRPC layer maps codes 1:1:
//   OutOfRange "etcdserver: mvcc: required revision has been compacted"
//   OutOfRange "etcdserver: mvcc: required revision is a future revision"
//   InvalidArgument for malformed requests ("etcdserver: key not found",
//     "etcdserver: value is provided", "etcdserver: lease is provided", ...)
//   DataLoss when stored data fails its checksums (never served silently).
class MvccStore {
 public:
  struct Options {
    std::string path;         // LevelDB directory, created if missing
    bool sync_writes = true;  // fsync each write batch (turn off only in tests)
  };

  // Called after each committed write revision with the events it produced,
  // in order. Used by the watch hub. Runs on the writing thread once the
  // revision is visible to readers; it may read the store (Range, Events) but
  // must not write to it (writers are serialized: that would deadlock).
  using EventSink = std::function<void(int64_t revision, const std::vector<mvccpb::Event>&)>;

  static absl::StatusOr<std::unique_ptr<MvccStore>> Open(const Options& options);
  virtual ~MvccStore() = default;

  // Reads. The response header's `revision` is filled (current revision).
  virtual absl::StatusOr<etcdserverpb::RangeResponse> Range(
      const etcdserverpb::RangeRequest& request) const = 0;

  // Writes. `applied_index` is the Raft log index of the command (0 outside Raft)
  // and is persisted atomically with the change. A write that returns an
  // error changed nothing and recorded nothing, not even `applied_index`: the
  // apply loop should then call SetAppliedIndex itself.
  virtual absl::StatusOr<etcdserverpb::PutResponse> Put(const etcdserverpb::PutRequest& request,
                                                        uint64_t applied_index) = 0;
  virtual absl::StatusOr<etcdserverpb::DeleteRangeResponse> DeleteRange(
      const etcdserverpb::DeleteRangeRequest& request, uint64_t applied_index) = 0;
  // The whole transaction (including nested txns) is one revision; a txn that
  // changes nothing does not advance the revision.
  virtual absl::StatusOr<etcdserverpb::TxnResponse> Txn(const etcdserverpb::TxnRequest& request,
                                                        uint64_t applied_index) = 0;
  virtual absl::StatusOr<etcdserverpb::CompactionResponse> Compact(
      const etcdserverpb::CompactionRequest& request, uint64_t applied_index) = 0;
  // Records `applied_index` for a command that did not touch the store.
  virtual absl::Status SetAppliedIndex(uint64_t applied_index) = 0;

  // Starts at 1 on an empty store, like etcd.
  virtual int64_t CurrentRevision() const = 0;
  // -1 until the first compaction, like etcd.
  virtual int64_t CompactRevision() const = 0;
  virtual uint64_t AppliedIndex() const = 0;

  virtual void SetEventSink(EventSink sink) = 0;

  // --- History, hashing, maintenance (watch hub, snapshots, Maintenance RPCs) ---

  // The events of revisions [from_revision, to_revision_inclusive] (clamped to
  // the current revision) touching key/range_end (Range's key conventions), in
  // revision order, each with prev_kv when the older value is still readable.
  // Stops once `max_events` (0 = no limit) are collected, but never splits a revision, so a
  // caller can resume from the last event's mod_revision + 1.
  // OutOfRange compacted error when from_revision < CompactRevision().
  virtual absl::StatusOr<std::vector<mvccpb::Event>> Events(int64_t from_revision,
                                                            int64_t to_revision_inclusive,
                                                            const std::string& key,
                                                            const std::string& range_end,
                                                            size_t max_events) const = 0;

  // CRC32C over every stored revision up to `revision` (0 = current) that a
  // read at or after the compaction point can still observe; equal on members
  // with the same history. Errors like etcd's HashKV (compacted when
  // revision <= compact revision, future when > current).
  virtual absl::StatusOr<uint32_t> HashKV(int64_t revision,
                                          int64_t* compact_revision_out) const = 0;

  // Streams the whole state (history + meta) from a consistent point in time
  // in the self-checking format of mvcc_snapshot_stream.h. Concurrent writes
  // are not blocked.
  virtual absl::Status WriteSnapshot(
      const std::function<absl::Status(std::string_view chunk)>& sink) const = 0;
  // Replaces the whole store with a snapshot stream (`next_chunk` returns ""
  // at the end). The stream is fully written and verified aside first, then
  // swapped in; on any error the current contents stay as they were.
  virtual absl::Status ReplaceFromSnapshot(
      const std::function<absl::StatusOr<std::string>()>& next_chunk) = 0;
  // Writes a snapshot stream into a new store directory at `path` (which must
  // not hold a database) so that Open(path) serves it.
  static absl::Status RestoreSnapshot(
      const std::string& path, const std::function<absl::StatusOr<std::string>()>& next_chunk);

  // Live keys that carry a lease, grouped by lease id (for the lessor on restart).
  virtual absl::StatusOr<std::map<int64_t, std::vector<std::string>>> KeysByLease() const = 0;

  virtual int64_t DbSizeBytes() const = 0;  // bytes of the LevelDB files on disk
  virtual absl::Status Defragment() = 0;    // full LevelDB compaction
};

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_MVCC_STORE_H_
