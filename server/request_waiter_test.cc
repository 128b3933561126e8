#include "server/request_waiter.h"

#include <thread>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "server/request_id_generator.h"

namespace raftkv::server {
namespace {

using Result = absl::StatusOr<int>;
using Clock = std::chrono::steady_clock;

TEST(RequestWaiterTest, CompleteFulfilsTheRegisteredWaiter) {
  RequestWaiter<Result> waiter;
  auto future = waiter.Register(1);
  std::thread completer([&] { EXPECT_TRUE(waiter.Complete(1, 42)); });
  Result result = waiter.Wait(1, future, Clock::now() + std::chrono::seconds(10),
                              Result(absl::UnavailableError("timeout")));
  completer.join();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, 42);
  EXPECT_EQ(waiter.PendingCount(), 0u);
}

TEST(RequestWaiterTest, CompleteForUnknownIdIsANoOp) {
  RequestWaiter<Result> waiter;
  EXPECT_FALSE(waiter.Complete(99, 1));
}

TEST(RequestWaiterTest, TimesOutAndForgetsTheId) {
  RequestWaiter<Result> waiter;
  auto future = waiter.Register(5);
  Result result = waiter.Wait(5, future, Clock::now() + std::chrono::milliseconds(20),
                              Result(etcd_errors::Timeout()));
  EXPECT_EQ(result.status().message(), "etcdserver: request timed out");
  EXPECT_EQ(waiter.PendingCount(), 0u);
  EXPECT_FALSE(waiter.Complete(5, 1));
}

TEST(RequestWaiterTest, FailAllCompletesEveryWaiter) {
  RequestWaiter<Result> waiter;
  auto a = waiter.Register(1);
  auto b = waiter.Register(2);
  waiter.FailAll(Result(etcd_errors::Stopped()));
  EXPECT_EQ(a.get().status().message(), "etcdserver: server stopped");
  EXPECT_EQ(b.get().status().message(), "etcdserver: server stopped");
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
