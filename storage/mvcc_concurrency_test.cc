// Readers run concurrently with the writer and never observe a half-applied
// transaction (meant to run under --config=tsan as well).
#include <atomic>
#include <thread>

#include "gtest/gtest.h"
#include "storage/mvcc_store.h"
#include "storage/mvcc_test_util.h"

// LevelDB's memtable is read lock-free by design (atomics in its skiplist),
// but the system libleveldb is not built with TSAN, so TSAN cannot see those
// atomics and reports their accesses as races.
extern "C" const char* __tsan_default_suppressions() { return "race:libleveldb.so\n"; }

namespace raftkv::storage {
namespace {

using testing::OpenOrDie;
using testing::PutReq;
using testing::RangeReq;

TEST(MvccConcurrencyTest, ReadersSeeWholeTransactions) {
  testing::TempDir dir;
  auto store = OpenOrDie(dir.Sub("db"));
  constexpr int kWrites = 300;
  std::atomic<bool> done{false};
  std::atomic<int> violations{0};
  std::atomic<int64_t> events{0};
  store->SetEventSink([&events](int64_t, const std::vector<mvccpb::Event>& batch) {
    events += static_cast<int64_t>(batch.size());
  });
  auto reader = [&] {
    while (!done.load()) {
      // Both keys are always written by one txn, so they must agree.
      auto response = store->Range(RangeReq("pair/", "pair0"));
      if (!response.ok()) {
        ++violations;
        continue;
      }
      if (response->kvs_size() == 2 && response->kvs(0).value() != response->kvs(1).value()) {
        ++violations;
      }
      if (response->kvs_size() == 1) ++violations;
      store->CurrentRevision();
    }
  };
  std::thread r1(reader), r2(reader);
  for (int i = 0; i < kWrites; ++i) {
    etcdserverpb::TxnRequest txn;
    *txn.add_success()->mutable_request_put() = PutReq("pair/a", std::to_string(i));
    *txn.add_success()->mutable_request_put() = PutReq("pair/b", std::to_string(i));
    ASSERT_TRUE(store->Txn(txn, i + 1).ok());
    if (i % 50 == 49) {
      etcdserverpb::CompactionRequest compact;
      compact.set_revision(store->CurrentRevision() - 5);
      ASSERT_TRUE(store->Compact(compact, 0).ok());
    }
  }
  done = true;
  r1.join();
  r2.join();
  EXPECT_EQ(violations.load(), 0);
  EXPECT_EQ(events.load(), 2 * kWrites);
  EXPECT_EQ(store->CurrentRevision(), 1 + kWrites);
}

}  // namespace
}  // namespace raftkv::storage
