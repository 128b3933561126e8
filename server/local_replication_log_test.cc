#include "server/local_replication_log.h"

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace raftkv::server {
namespace {

// Collects delivered entries and lets the test wait for a count with a deadline.
class Recorder {
 public:
  void Record(uint64_t index, const std::string& command) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.emplace_back(index, command);
    cv_.notify_all();
  }
  bool WaitFor(size_t count) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return entries_.size() >= count; });
  }
  std::vector<std::pair<uint64_t, std::string>> entries() {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<uint64_t, std::string>> entries_;
};

TEST(LocalReplicationLogTest, DeliversInIndexOrderContinuingFromAppliedIndex) {
  Recorder recorder;
  LocalReplicationLog log({/*member_id=*/7, /*last_applied_index=*/41, /*max_pending=*/4});
  ASSERT_TRUE(log.Start([&](uint64_t i, const std::string& c) { recorder.Record(i, c); }).ok());
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(log.Append("cmd" + std::to_string(i)).ok());
  ASSERT_TRUE(recorder.WaitFor(100));
  auto entries = recorder.entries();
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].first, 42 + i);
    EXPECT_EQ(entries[i].second, "cmd" + std::to_string(i));
  }
  EXPECT_EQ(log.GetStatus().commit_index, 141u);
  EXPECT_EQ(log.GetStatus().leader_id, 7u);
}

TEST(LocalReplicationLogTest, ConcurrentAppendsGetDistinctConsecutiveIndexes) {
  Recorder recorder;
  LocalReplicationLog log({1, 0, 8});
  ASSERT_TRUE(log.Start([&](uint64_t i, const std::string& c) { recorder.Record(i, c); }).ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) EXPECT_TRUE(log.Append("x").ok());
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(recorder.WaitFor(1000));
  auto entries = recorder.entries();
  for (size_t i = 0; i < entries.size(); ++i) EXPECT_EQ(entries[i].first, i + 1);
}

TEST(LocalReplicationLogTest, ReadIndexCoversEveryAppend) {
  Recorder recorder;
  LocalReplicationLog log({1, 5, 8});
  ASSERT_TRUE(log.Start([&](uint64_t i, const std::string& c) { recorder.Record(i, c); }).ok());
  ASSERT_TRUE(log.Append("a").ok());
  ASSERT_TRUE(log.Append("b").ok());
  absl::StatusOr<uint64_t> read_index = log.ReadIndex();
  ASSERT_TRUE(read_index.ok());
  EXPECT_EQ(*read_index, 7u);
}

TEST(LocalReplicationLogTest, StopDrainsThenRejectsAppends) {
  Recorder recorder;
  LocalReplicationLog log({1, 0, 1000});
  ASSERT_TRUE(log.Start([&](uint64_t i, const std::string& c) { recorder.Record(i, c); }).ok());
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(log.Append("x").ok());
  log.Stop();
  EXPECT_EQ(recorder.entries().size(), 50u);
  absl::Status s = log.Append("late");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "etcdserver: server stopped");
}

TEST(LocalReplicationLogTest, AppendBeforeStartIsRejected) {
  LocalReplicationLog log({1, 0, 8});
  EXPECT_FALSE(log.Append("x").ok());
}

}  // namespace
}  // namespace raftkv::server
