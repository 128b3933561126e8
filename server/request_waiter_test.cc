#include "server/request_waiter.h"

#include <future>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "server/etcd_errors.h"
#include "server/request_id_generator.h"

namespace raftkv::server {
namespace {

using Result = absl::StatusOr<int>;
using Clock = std::chrono::steady_clock;

TEST(RequestWaiterTest, CompleteRunsTheRegisteredCallbackOnce) {
  RequestWaiter<Result> waiter;
  std::vector<Result> seen;
  waiter.Register(7, Clock::now() + std::chrono::hours(1),
                  [&](Result r) { seen.push_back(std::move(r)); });
  EXPECT_EQ(waiter.PendingCount(), 1u);
  EXPECT_TRUE(waiter.Complete(7, 42));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(*seen[0], 42);
  EXPECT_EQ(waiter.PendingCount(), 0u);
  // A second completion (e.g. a late apply after expiry) finds nothing.
  EXPECT_FALSE(waiter.Complete(7, 43));
  EXPECT_EQ(seen.size(), 1u);
}

TEST(RequestWaiterTest, CompleteFromAnotherThread) {
  RequestWaiter<Result> waiter;
  std::promise<Result> outcome;
  waiter.Register(1, Clock::now() + std::chrono::hours(1),
                  [&](Result r) { outcome.set_value(std::move(r)); });
  std::thread completer([&] { EXPECT_TRUE(waiter.Complete(1, 42)); });
  std::future<Result> future = outcome.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(*future.get(), 42);
  completer.join();
}

TEST(RequestWaiterTest, CompleteForUnknownIdIsANoOp) {
  RequestWaiter<Result> waiter;
  EXPECT_FALSE(waiter.Complete(99, 1));
}

TEST(RequestWaiterTest, ExpireDueRunsOnlyThoseDue) {
  RequestWaiter<Result> waiter;
  const Clock::time_point now = Clock::now();
  std::vector<std::pair<int, Result>> seen;
  waiter.Register(1, now - std::chrono::milliseconds(1),
                  [&](Result r) { seen.emplace_back(1, std::move(r)); });
  waiter.Register(2, now + std::chrono::hours(1),
                  [&](Result r) { seen.emplace_back(2, std::move(r)); });
  waiter.ExpireDue(now, [] { return Result(etcd_errors::Timeout()); });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].first, 1);
  EXPECT_EQ(seen[0].second.status().message(), "etcdserver: request timed out");
  EXPECT_EQ(waiter.PendingCount(), 1u);
  EXPECT_FALSE(waiter.Complete(1, 5));
  EXPECT_TRUE(waiter.Complete(2, 5));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(*seen[1].second, 5);
}

TEST(RequestWaiterTest, FailAllCompletesEveryWaiter) {
  RequestWaiter<Result> waiter;
  std::vector<Result> seen;
  const Clock::time_point later = Clock::now() + std::chrono::hours(1);
  waiter.Register(1, later, [&](Result r) { seen.push_back(std::move(r)); });
  waiter.Register(2, later, [&](Result r) { seen.push_back(std::move(r)); });
  waiter.FailAll([] { return Result(etcd_errors::Stopped()); });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].status().message(), "etcdserver: server stopped");
  EXPECT_EQ(seen[1].status().message(), "etcdserver: server stopped");
  EXPECT_EQ(waiter.PendingCount(), 0u);
}

TEST(RequestIdGeneratorTest, IdsAreUniqueAndCarryTheMemberPrefix) {
  RequestIdGenerator ids(0xabcd1234);
  uint64_t first = ids.Next();
  uint64_t second = ids.Next();
  EXPECT_NE(first, second);
  EXPECT_EQ(first >> 48, 0x1234u);
  EXPECT_EQ(second >> 48, 0x1234u);
}

}  // namespace
}  // namespace raftkv::server
