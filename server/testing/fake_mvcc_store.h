// An in-memory MvccStore for the server's unit tests: latest values only, each write
// one revision, no history. Just enough to observe what the core and applier do.
#ifndef RAFTKV_SERVER_TESTING_FAKE_MVCC_STORE_H_
#define RAFTKV_SERVER_TESTING_FAKE_MVCC_STORE_H_

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "storage/mvcc_store.h"

namespace raftkv::server::testing {

class FakeMvccStore : public storage::MvccStore {
 public:
  absl::StatusOr<etcdserverpb::RangeResponse> Range(
      const etcdserverpb::RangeRequest& request) const override;
  absl::StatusOr<etcdserverpb::PutResponse> Put(const etcdserverpb::PutRequest& request,
                                                uint64_t applied_index) override;
  absl::StatusOr<etcdserverpb::DeleteRangeResponse> DeleteRange(
      const etcdserverpb::DeleteRangeRequest& request, uint64_t applied_index) override;
  // Applies the success branch's puts (compares are not evaluated).
  absl::StatusOr<etcdserverpb::TxnResponse> Txn(const etcdserverpb::TxnRequest& request,
                                                uint64_t applied_index) override;
  absl::StatusOr<etcdserverpb::CompactionResponse> Compact(
      const etcdserverpb::CompactionRequest& request, uint64_t applied_index) override;
  absl::Status SetAppliedIndex(uint64_t applied_index) override;

  int64_t CurrentRevision() const override;
  int64_t CompactRevision() const override;
  uint64_t AppliedIndex() const override;
  void SetEventSink(EventSink) override {}

  // Not needed by the server's unit tests: Unimplemented / zero.
  absl::StatusOr<std::vector<mvccpb::Event>> Events(int64_t, int64_t, const std::string&,
                                                    const std::string&, size_t) const override {
    return absl::UnimplementedError("fake");
  }
  absl::StatusOr<uint32_t> HashKV(int64_t, int64_t*) const override {
    return absl::UnimplementedError("fake");
  }
  absl::Status WriteSnapshot(const std::function<absl::Status(std::string_view)>&) const override {
    return absl::UnimplementedError("fake");
  }
  absl::Status ReplaceFromSnapshot(const std::function<absl::StatusOr<std::string>()>&) override {
    return absl::UnimplementedError("fake");
  }
  absl::StatusOr<std::map<int64_t, std::vector<std::string>>> KeysByLease() const override {
    return std::map<int64_t, std::vector<std::string>>();
  }
  int64_t DbSizeBytes() const override { return 0; }
  absl::Status Defragment() override { return absl::OkStatus(); }

  // Every applied_index passed to a write call, in call order.
  std::vector<uint64_t> applied_indexes() const;

 private:
  void RecordIndex(uint64_t applied_index);

  mutable std::mutex mu_;
  std::map<std::string, mvccpb::KeyValue> kvs_;
  int64_t revision_ = 1;
  int64_t compact_revision_ = 0;
  uint64_t applied_index_ = 0;
  std::vector<uint64_t> applied_indexes_;
};

}  // namespace raftkv::server::testing

#endif  // RAFTKV_SERVER_TESTING_FAKE_MVCC_STORE_H_
