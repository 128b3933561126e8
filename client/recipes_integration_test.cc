// Session, Mutex and Election against a real cluster (raftkv or etcd), interlocking with etcdctl's
// `lock` and `elect` commands running as separate processes.
#include <gtest/gtest.h>

#include <thread>

#include "client/client.h"
#include "client/cluster_test_util.h"
#include "client/election.h"
#include "client/kv.h"
#include "client/lease.h"
#include "client/mutex.h"
#include "client/session.h"

namespace raftkv::client {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Eventually;
using testing::TestCluster;

class RecipesIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = TestCluster::Start(3);
    ASSERT_TRUE(started.ok()) << started.status();
    cluster_ = started->release();
  }
  static void TearDownTestSuite() { delete cluster_; }

  void SetUp() override {
    auto client = cluster_->Connect();
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::move(*client);
  }

  std::unique_ptr<Session> NewSession(int64_t ttl = 10) {
    auto session = Session::Create(client_.get(), ttl);
    EXPECT_TRUE(session.ok()) << session.status();
    return session.ok() ? std::move(*session) : nullptr;
  }

  int64_t Waiters(const std::string& name) {
    GetOptions all;
    all.range.prefix = true;
    all.count_only = true;
    auto counted = client_->kv().Get(name + "/", all);
    return counted.ok() ? counted->count() : -1;
  }

  static TestCluster* cluster_;
  std::unique_ptr<Client> client_;
};
TestCluster* RecipesIntegrationTest::cluster_ = nullptr;

TEST_F(RecipesIntegrationTest, SessionLeaseOutlivesItsTtlAndCloseRevokesIt) {
  auto session = NewSession(2);
  ASSERT_NE(session, nullptr);
  const auto until = std::chrono::steady_clock::now() + seconds(5);
  while (std::chrono::steady_clock::now() < until) {
    auto ttl = client_->lease().TimeToLive(session->lease_id());
    ASSERT_TRUE(ttl.ok());
    ASSERT_GT(ttl->ttl(), 0);
    std::this_thread::sleep_for(milliseconds(200));
  }
  ASSERT_TRUE(session->Close().ok());
  EXPECT_TRUE(session->Expired());
  auto ttl = client_->lease().TimeToLive(session->lease_id());
  ASSERT_TRUE(ttl.ok());
  EXPECT_EQ(ttl->ttl(), -1);
}

TEST_F(RecipesIntegrationTest, SessionNoticesWhenItsLeaseIsRevokedElsewhere) {
  auto session = NewSession(5);
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(cluster_->Connect().value()->lease().Revoke(session->lease_id()).ok());
  EXPECT_TRUE(session->WaitExpired(seconds(10)));
}

TEST_F(RecipesIntegrationTest, MutexExcludesOurOwnContenders) {
  constexpr int kWorkers = 3;
  constexpr int kIncrements = 5;
  ASSERT_TRUE(client_->kv().Put("counter", "0").ok());
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      auto session = NewSession();
      ASSERT_NE(session, nullptr);
      Mutex mutex(session.get(), "mutex-own");
      for (int i = 0; i < kIncrements; ++i) {
        ASSERT_TRUE(mutex.Lock(seconds(30)).ok());
        // An unguarded read-modify-write: only mutual exclusion keeps the count exact.
        auto read = client_->kv().Get("counter");
        ASSERT_TRUE(read.ok());
        int value = std::stoi(read->kvs(0).value());
        ASSERT_TRUE(client_->kv().Put("counter", std::to_string(value + 1)).ok());
        ASSERT_TRUE(mutex.Unlock().ok());
      }
    });
  }
  for (auto& worker : workers) worker.join();
  auto final_count = client_->kv().Get("counter");
  ASSERT_TRUE(final_count.ok());
  EXPECT_EQ(final_count->kvs(0).value(), std::to_string(kWorkers * kIncrements));
}

TEST_F(RecipesIntegrationTest, MutexWaitsForEtcdctlLock) {
  auto etcdctl = cluster_->SpawnEtcdctl({"lock", "shared-lock"});
  ASSERT_TRUE(etcdctl.ok()) << etcdctl.status();
  // etcdctl prints its key once it holds the lock.
  ASSERT_TRUE(etcdctl->WaitOutput("shared-lock/", seconds(15))) << etcdctl->Output();
  auto session = NewSession();
  Mutex mutex(session.get(), "shared-lock");
  EXPECT_EQ(mutex.Lock(milliseconds(1500)).code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(mutex.TryLock().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Waiters("shared-lock"), 1);  // our failed attempts left the queue

  etcdctl->process->Terminate();  // etcdctl releases its session on SIGTERM
  ASSERT_TRUE(mutex.Lock(seconds(30)).ok());
  EXPECT_EQ(mutex.key().rfind("shared-lock/", 0), 0u);
  ASSERT_TRUE(mutex.Unlock().ok());
}

TEST_F(RecipesIntegrationTest, EtcdctlLockWaitsForOurMutex) {
  auto session = NewSession();
  Mutex mutex(session.get(), "shared-lock-2");
  ASSERT_TRUE(mutex.Lock(seconds(10)).ok());
  auto etcdctl = cluster_->SpawnEtcdctl({"lock", "shared-lock-2"});
  ASSERT_TRUE(etcdctl.ok());
  // etcdctl has queued behind us (its key exists) but has not acquired.
  ASSERT_TRUE(Eventually([&] { return Waiters("shared-lock-2") == 2; }, seconds(15)));
  EXPECT_EQ(etcdctl->Output().find("shared-lock-2/"), std::string::npos);
  ASSERT_TRUE(mutex.Unlock().ok());
  EXPECT_TRUE(etcdctl->WaitOutput("shared-lock-2/", seconds(15))) << etcdctl->Output();
  etcdctl->process->Terminate();
}

TEST_F(RecipesIntegrationTest, ElectionInterlocksWithEtcdctlElect) {
  auto etcdctl = cluster_->SpawnEtcdctl({"elect", "shared-election", "etcdctl-proposal"});
  ASSERT_TRUE(etcdctl.ok());
  // etcdctl prints the leader key and value once elected.
  ASSERT_TRUE(etcdctl->WaitOutput("etcdctl-proposal", seconds(15))) << etcdctl->Output();

  auto session = NewSession();
  Election election(session.get(), "shared-election");
  auto leader = election.Leader();
  ASSERT_TRUE(leader.ok()) << leader.status();
  EXPECT_EQ(leader->value(), "etcdctl-proposal");
  EXPECT_EQ(election.Campaign("ours", milliseconds(1500)).code(),
            absl::StatusCode::kDeadlineExceeded);

  etcdctl->process->Terminate();
  ASSERT_TRUE(election.Campaign("ours", seconds(30)).ok());
  leader = election.Leader();
  ASSERT_TRUE(leader.ok());
  EXPECT_EQ(leader->value(), "ours");
  ASSERT_TRUE(election.Proclaim("ours-v2").ok());
  EXPECT_EQ(election.Leader()->value(), "ours-v2");

  // Now etcdctl queues behind us, and wins once we resign.
  auto second = cluster_->SpawnEtcdctl({"elect", "shared-election", "etcdctl-second"});
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(Eventually([&] { return Waiters("shared-election") == 2; }, seconds(15)));
  EXPECT_EQ(second->Output().find("etcdctl-second"), std::string::npos);
  ASSERT_TRUE(election.Resign().ok());
  EXPECT_TRUE(second->WaitOutput("etcdctl-second", seconds(15))) << second->Output();
  EXPECT_EQ(election.Proclaim("too-late").code(), absl::StatusCode::kFailedPrecondition);
  second->process->Terminate();
}

}  // namespace
}  // namespace raftkv::client
