// The client against a real 3-member cluster (raftkv, or etcd 3.4 as reference): KV options, Txn,
// Watch (resume and compaction), Lease keep-alive, member discovery and failover when members die
// or hang.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "client/client.h"
#include "client/cluster_test_util.h"
#include "client/kv.h"
#include "client/lease.h"
#include "client/watcher.h"

namespace raftkv::client {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Eventually;
using testing::TestCluster;

class ClientIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = TestCluster::Start(3);
    ASSERT_TRUE(started.ok()) << started.status();
    cluster_ = started->release();
  }
  static void TearDownTestSuite() { delete cluster_; }

  void TearDown() override {
    // Fault tests bring members back; every test starts with a healthy cluster.
    ASSERT_TRUE(cluster_->WaitHealthy(seconds(30)).ok());
  }

  std::unique_ptr<Client> Connect(std::vector<std::string> endpoints = {}) {
    auto client = cluster_->Connect(std::move(endpoints));
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? std::move(*client) : nullptr;
  }

  static TestCluster* cluster_;
};
TestCluster* ClientIntegrationTest::cluster_ = nullptr;

// Collects watch events, checking order as they arrive.
class EventLog {
 public:
  void Add(const WatchResponse& response) {
    std::unique_lock<std::mutex> lock(mu_);
    if (response.Terminal()) {
      terminal_ = response;
      return;
    }
    for (const auto& event : response.events) {
      if (!events_.empty() && event.kv().mod_revision() < events_.back().kv().mod_revision()) {
        out_of_order_ = true;
      }
      events_.push_back(event);
    }
  }
  size_t size() {
    std::unique_lock<std::mutex> lock(mu_);
    return events_.size();
  }
  std::vector<mvccpb::Event> events() {
    std::unique_lock<std::mutex> lock(mu_);
    return events_;
  }
  std::optional<WatchResponse> terminal() {
    std::unique_lock<std::mutex> lock(mu_);
    return terminal_;
  }
  bool out_of_order() {
    std::unique_lock<std::mutex> lock(mu_);
    return out_of_order_;
  }

 private:
  std::mutex mu_;
  std::vector<mvccpb::Event> events_;
  std::optional<WatchResponse> terminal_;
  bool out_of_order_ = false;
};

TEST_F(ClientIntegrationTest, DiscoversAllMembersFromOneEndpoint) {
  auto client = Connect({cluster_->ClientEndpoint(1)});
  ASSERT_NE(client, nullptr);
  auto endpoints = client->Endpoints();
  EXPECT_EQ(endpoints.size(), 3u);
  for (const auto& endpoint : endpoints) EXPECT_GE(cluster_->IndexOf(endpoint), 0) << endpoint;
}

TEST_F(ClientIntegrationTest, PutGetDeleteWithOptions) {
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  KV& kv = client->kv();
  ASSERT_TRUE(kv.Put("opt/a", "1").ok());
  ASSERT_TRUE(kv.Put("opt/b", "2").ok());
  PutOptions prev;
  prev.prev_kv = true;
  auto replaced = kv.Put("opt/a", "3", prev);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_EQ(replaced->prev_kv().value(), "1");

  GetOptions newest_first;
  newest_first.range.prefix = true;
  newest_first.sort_target = etcdserverpb::RangeRequest::MOD;
  newest_first.sort_order = etcdserverpb::RangeRequest::DESCEND;
  newest_first.limit = 1;
  auto newest = kv.Get("opt/", newest_first);
  ASSERT_TRUE(newest.ok()) << newest.status();
  ASSERT_EQ(newest->kvs_size(), 1);
  EXPECT_EQ(newest->kvs(0).key(), "opt/a");
  EXPECT_TRUE(newest->more());
  EXPECT_EQ(newest->count(), 2);

  GetOptions count;
  count.range.prefix = true;
  count.count_only = true;
  count.serializable = true;
  auto counted = kv.Get("opt/", count);
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(counted->count(), 2);
  EXPECT_EQ(counted->kvs_size(), 0);

  GetOptions at_revision;
  at_revision.revision = replaced->header().revision() - 1;
  auto old = kv.Get("opt/a", at_revision);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->kvs(0).value(), "1");

  DeleteOptions all;
  all.range.prefix = true;
  all.prev_kv = true;
  auto deleted = kv.Delete("opt/", all);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted->deleted(), 2);
  EXPECT_EQ(deleted->prev_kvs_size(), 2);
}

TEST_F(ClientIntegrationTest, TxnTakesTheBranchTheComparesSelect) {
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  TxnBuilder create;
  create.If(Cmp::CreateRevision("txn/k", Cmp::EQUAL, 0))
      .Then(Op::Put("txn/k", "first"))
      .Else(Op::Get("txn/k"));
  auto first = client->kv().Txn(create);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->succeeded());
  auto second = client->kv().Txn(create);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->succeeded());
  EXPECT_EQ(second->responses(0).response_range().kvs(0).value(), "first");
}

TEST_F(ClientIntegrationTest, WatchDeliversEventsAndSurfacesCompaction) {
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  auto start = client->kv().Put("w/a", "1");
  ASSERT_TRUE(start.ok());
  ASSERT_TRUE(client->kv().Put("w/b", "2").ok());
  ASSERT_TRUE(client->kv().Delete("w/a").ok());

  WatchOptions from_start;
  from_start.range.prefix = true;
  from_start.start_revision = start->header().revision();
  auto stream = client->watcher().Open("w/", from_start);
  std::vector<mvccpb::Event> events;
  while (events.size() < 3) {
    auto next = stream->Next(seconds(10));
    ASSERT_TRUE(next.has_value());
    events.insert(events.end(), next->events.begin(), next->events.end());
  }
  EXPECT_EQ(events[0].kv().key(), "w/a");
  EXPECT_EQ(events[1].kv().key(), "w/b");
  EXPECT_EQ(events[2].type(), mvccpb::Event::DELETE);

  auto latest = client->kv().Put("w/c", "3");
  ASSERT_TRUE(latest.ok());
  ASSERT_TRUE(client->kv().Compact(latest->header().revision()).ok());
  EventLog log;
  auto handle = client->watcher().Watch("w/", from_start, [&](auto& r) { log.Add(r); });
  ASSERT_TRUE(Eventually([&] { return log.terminal().has_value(); }, seconds(10)));
  EXPECT_EQ(log.terminal()->compact_revision, latest->header().revision());
}

TEST_F(ClientIntegrationTest, LeaseKeepAliveOutlivesTheTtlAndRevokeDeletesKeys) {
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  auto granted = client->lease().Grant(2);
  ASSERT_TRUE(granted.ok()) << granted.status();
  PutOptions with_lease;
  with_lease.lease = granted->id();
  ASSERT_TRUE(client->kv().Put("lease/k", "v", with_lease).ok());
  std::atomic<bool> lost{false};
  ASSERT_TRUE(client->lease()
                  .KeepAlive(granted->id(), [&](int64_t, const absl::Status&) { lost = true; })
                  .ok());
  // Across three TTLs the key must stay, which only renewals make possible.
  const auto until = std::chrono::steady_clock::now() + seconds(6);
  while (std::chrono::steady_clock::now() < until) {
    auto ttl = client->lease().TimeToLive(granted->id());
    ASSERT_TRUE(ttl.ok());
    ASSERT_GT(ttl->ttl(), 0);
    std::this_thread::sleep_for(milliseconds(200));
  }
  auto leases = client->lease().Leases();
  ASSERT_TRUE(leases.ok());
  EXPECT_GE(leases->leases_size(), 1);

  // Revoked by someone else: the keep-alive reports the lease lost.
  auto other = Connect();
  ASSERT_TRUE(other->lease().Revoke(granted->id()).ok());
  EXPECT_TRUE(Eventually([&] { return lost.load(); }, seconds(10)));
  auto gone = client->kv().Get("lease/k");
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->kvs_size(), 0);
}

TEST_F(ClientIntegrationTest, CallsFailOverWhenThePinnedMemberIsKilled) {
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->kv().Put("fo/k", "v1").ok());
  const int pinned = cluster_->IndexOf(client->PinnedEndpoint());
  ASSERT_GE(pinned, 0);
  cluster_->Kill(pinned);
  auto read = client->kv().Get("fo/k");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->kvs(0).value(), "v1");
  EXPECT_NE(cluster_->IndexOf(client->PinnedEndpoint()), pinned);
  auto write = client->kv().Put("fo/k", "v2");
  EXPECT_TRUE(write.ok()) << write.status();
  ASSERT_TRUE(cluster_->Restart(pinned).ok());
}

TEST_F(ClientIntegrationTest, ClientKeepsWorkingWhenTheLeaderIsKilled) {
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  const int leader = cluster_->WaitForLeader(seconds(10));
  ASSERT_GE(leader, 0);
  cluster_->Kill(leader);
  // Reads ride over the election; a write may fail once while no leader exists.
  EXPECT_TRUE(Eventually([&] { return client->kv().Put("leader/k", "v").ok(); }, seconds(15)));
  auto read = client->kv().Get("leader/k");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->kvs(0).value(), "v");
  ASSERT_TRUE(cluster_->Restart(leader).ok());
}

// Writes keys through `writer` while `fault` hits the watcher's member; the watch must see
// every write exactly once, in order.
void ExpectWatchSurvives(TestCluster* cluster, Client* watching, Client* writer,
                         const std::string& prefix, const std::function<void(int)>& fault,
                         const std::function<void(int)>& heal) {
  WatchOptions options;
  options.range.prefix = true;
  EventLog log;
  auto handle = watching->watcher().Watch(prefix, options, [&](auto& r) { log.Add(r); });
  ASSERT_TRUE(handle->WaitCreated(seconds(10)));
  const int member = cluster->IndexOf(watching->PinnedEndpoint());
  ASSERT_GE(member, 0);
  constexpr int kWrites = 40;
  int written = 0;
  for (; written < kWrites / 2; ++written) {
    ASSERT_TRUE(writer->kv().Put(absl::StrCat(prefix, written), "v").ok());
  }
  ASSERT_TRUE(Eventually([&] { return log.size() == kWrites / 2; }, seconds(10)));
  fault(member);
  for (; written < kWrites; ++written) {
    ASSERT_TRUE(Eventually(
        [&] { return writer->kv().Put(absl::StrCat(prefix, written), "v").ok(); }, seconds(15)));
  }
  ASSERT_TRUE(Eventually([&] { return log.size() >= kWrites; }, seconds(30)))
      << "got " << log.size();
  auto events = log.events();
  ASSERT_EQ(events.size(), static_cast<size_t>(kWrites)) << "duplicates delivered";
  for (int i = 0; i < kWrites; ++i) EXPECT_EQ(events[i].kv().key(), absl::StrCat(prefix, i));
  EXPECT_FALSE(log.out_of_order());
  EXPECT_GE(handle->Streams(), 2);
  heal(member);
}

TEST_F(ClientIntegrationTest, WatchResumesAfterItsMemberIsKilled) {
  auto watching = Connect();
  auto writer = Connect();
  ASSERT_NE(watching, nullptr);
  ExpectWatchSurvives(
      cluster_, watching.get(), writer.get(), "wk/", [&](int m) { cluster_->Kill(m); },
      [&](int m) { ASSERT_TRUE(cluster_->Restart(m).ok()); });
}

TEST_F(ClientIntegrationTest, WatchResumesAfterItsMemberIsPaused) {
  auto watching = Connect();
  ASSERT_NE(watching, nullptr);
  // The writer must avoid the paused member; find which one the watcher will use first.
  const int member = cluster_->IndexOf(watching->PinnedEndpoint());
  std::vector<std::string> others;
  for (int i = 0; i < cluster_->size(); ++i) {
    if (i != member) others.push_back(cluster_->ClientEndpoint(i));
  }
  auto options = cluster_->Options(others);
  options.discover_members = false;
  auto writer = Client::Connect(options);
  ASSERT_TRUE(writer.ok());
  ExpectWatchSurvives(
      cluster_, watching.get(), writer->get(), "wp/", [&](int m) { cluster_->Pause(m); },
      [&](int m) { cluster_->Resume(m); });
}

}  // namespace
}  // namespace raftkv::client
