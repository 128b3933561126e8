// ServiceRegistry and ServiceDiscovery against a real 3-member cluster (raftkv or etcd) under
// faults: a registrant dies, the leader dies, the discovering client's member is partitioned, the
// registrant is partitioned longer than its TTL, and the watch falls behind a compaction.
// Every test checks that callbacks add up exactly to the final state (none lost or repeated).
#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/client.h"
#include "client/cluster_test_util.h"
#include "client/kv.h"
#include "client/service_discovery.h"
#include "client/service_registry.h"

namespace raftkv::client {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Eventually;
using testing::TestCluster;

// Replays callbacks into its own view and flags any callback that contradicts it.
class CallbackLog {
 public:
  DiscoveryCallbacks Callbacks() {
    DiscoveryCallbacks callbacks;
    callbacks.on_add = [this](const ServiceInstance& i) {
      std::unique_lock<std::mutex> lock(mu_);
      if (view_.count(i.id) != 0) errors_.push_back("duplicate add of " + i.id);
      view_[i.id] = i;
      ++adds_[i.id];
    };
    callbacks.on_update = [this](const ServiceInstance& before, const ServiceInstance& after) {
      std::unique_lock<std::mutex> lock(mu_);
      if (view_.count(before.id) == 0 || view_[before.id] != before) {
        errors_.push_back("update of unknown " + before.id);
      }
      if (before == after) errors_.push_back("no-op update of " + before.id);
      view_[after.id] = after;
    };
    callbacks.on_remove = [this](const ServiceInstance& i) {
      std::unique_lock<std::mutex> lock(mu_);
      if (view_.erase(i.id) == 0) errors_.push_back("remove of unknown " + i.id);
      ++removes_[i.id];
    };
    return callbacks;
  }

  std::map<std::string, ServiceInstance> view() {
    std::unique_lock<std::mutex> lock(mu_);
    return view_;
  }
  std::vector<std::string> errors() {
    std::unique_lock<std::mutex> lock(mu_);
    return errors_;
  }
  int adds(const std::string& id) {
    std::unique_lock<std::mutex> lock(mu_);
    return adds_[id];
  }
  int removes(const std::string& id) {
    std::unique_lock<std::mutex> lock(mu_);
    return removes_[id];
  }

 private:
  std::mutex mu_;
  std::map<std::string, ServiceInstance> view_;
  std::map<std::string, int> adds_;
  std::map<std::string, int> removes_;
  std::vector<std::string> errors_;
};

class DiscoveryIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = TestCluster::Start(3);
    ASSERT_TRUE(started.ok()) << started.status();
    cluster_ = started->release();
  }
  static void TearDownTestSuite() { delete cluster_; }
  void TearDown() override {
    ASSERT_TRUE(cluster_->Heal().ok());
    ASSERT_TRUE(cluster_->WaitHealthy(seconds(30)).ok());
  }

  std::unique_ptr<Client> Connect(std::vector<std::string> endpoints = {}, bool discover = true) {
    auto options = cluster_->Options(std::move(endpoints));
    options.discover_members = discover;
    auto client = Client::Connect(options);
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? std::move(*client) : nullptr;
  }

  std::unique_ptr<ServiceRegistry> Register(Client* client, const std::string& service,
                                            const std::string& id, int64_t ttl = 10) {
    RegistryOptions options;
    options.ttl_seconds = ttl;
    ServiceInstance instance{service, id, absl::StrCat("10.0.0.1:", id.size()), {{"v", "1"}}};
    auto registry = ServiceRegistry::Register(client, instance, options);
    EXPECT_TRUE(registry.ok()) << registry.status();
    return registry.ok() ? std::move(*registry) : nullptr;
  }

  // The registered instances, read straight from the cluster.
  std::map<std::string, ServiceInstance> Truth(Client* client, const std::string& service) {
    GetOptions all;
    all.range.prefix = true;
    auto listed = client->kv().Get(ServicePrefix(kDefaultServiceRoot, service), all);
    EXPECT_TRUE(listed.ok());
    std::map<std::string, ServiceInstance> out;
    for (const auto& kv : listed->kvs()) {
      auto instance = DecodeInstance(kv.value());
      if (instance.ok()) out[instance->id] = *instance;
    }
    return out;
  }

  // Whether `member` alone, answering from its own store (serializable), has `id`. False
  // too when it does not answer (paused).
  bool LocallyVisible(int member, const std::string& service, const std::string& id) {
    auto options = cluster_->Options({cluster_->ClientEndpoint(member)});
    options.discover_members = false;
    options.max_attempts = 1;
    auto client = Client::Connect(options);
    if (!client.ok()) return false;
    GetOptions local;
    local.serializable = true;
    auto got = (*client)->kv().Get(ServicePrefix(kDefaultServiceRoot, service) + id, local);
    return got.ok() && got->kvs_size() == 1;
  }

  // Waits until discovery's cache and the callback view both equal the cluster's truth.
  void ExpectConverged(Client* reader, ServiceDiscovery& discovery, CallbackLog& log,
                       const std::string& service) {
    EXPECT_TRUE(Eventually(
        [&] {
          auto truth = Truth(reader, service);
          return discovery.Snapshot().instances == truth && log.view() == truth;
        },
        seconds(30)))
        << "discovery did not converge";
    EXPECT_TRUE(log.errors().empty()) << log.errors().front();
  }

  void ConvergesWhileTheClientsMemberIsCutOff(const std::string& service,
                                              const std::function<void(int)>& isolate,
                                              const std::function<void(int)>& rejoin);

  static TestCluster* cluster_;
};
TestCluster* DiscoveryIntegrationTest::cluster_ = nullptr;

TEST_F(DiscoveryIntegrationTest, ListsThenFollowsRegistrationsAndDeregistrations) {
  auto client = Connect();
  auto a = Register(client.get(), "basic", "a");
  CallbackLog log;
  auto discovery = ServiceDiscovery::Start(client.get(), "basic", log.Callbacks());
  ASSERT_TRUE(discovery.ok());
  EXPECT_EQ(log.adds("a"), 1);  // from the initial list
  auto b = Register(client.get(), "basic", "b");
  ExpectConverged(client.get(), **discovery, log, "basic");
  EXPECT_EQ((*discovery)->Snapshot().instances.size(), 2u);
  ASSERT_TRUE(a->Deregister().ok());
  ExpectConverged(client.get(), **discovery, log, "basic");
  EXPECT_EQ(log.removes("a"), 1);
  EXPECT_EQ((*discovery)->Snapshot().instances.count("b"), 1u);
  EXPECT_GT((*discovery)->Snapshot().revision, 0);
}

TEST_F(DiscoveryIntegrationTest, KilledRegistrantDisappearsAfterItsTtl) {
  auto client = Connect();
  CallbackLog log;
  auto discovery = ServiceDiscovery::Start(client.get(), "killed", log.Callbacks());
  ASSERT_TRUE(discovery.ok());
  auto registrant_client = Connect();
  auto doomed = Register(registrant_client.get(), "killed", "doomed", /*ttl=*/2);
  auto survivor = Register(registrant_client.get(), "killed", "survivor", /*ttl=*/2);
  ExpectConverged(client.get(), **discovery, log, "killed");
  doomed->Abandon();  // as if the process died: no more keep-alives, no deregistration
  ASSERT_TRUE(Eventually([&] { return log.removes("doomed") == 1; }, seconds(15)));
  ExpectConverged(client.get(), **discovery, log, "killed");
  EXPECT_EQ(log.view().count("survivor"), 1u);
  EXPECT_EQ(log.adds("doomed"), 1);
}

TEST_F(DiscoveryIntegrationTest, ConvergesAfterTheLeaderIsKilled) {
  auto client = Connect();
  CallbackLog log;
  auto discovery = ServiceDiscovery::Start(client.get(), "leader", log.Callbacks());
  ASSERT_TRUE(discovery.ok());
  auto registrant_client = Connect();
  auto before = Register(registrant_client.get(), "leader", "before", 3);
  ExpectConverged(client.get(), **discovery, log, "leader");
  const int leader = cluster_->WaitForLeader(seconds(10));
  ASSERT_GE(leader, 0);
  cluster_->Kill(leader);
  std::unique_ptr<ServiceRegistry> after;
  ASSERT_TRUE(Eventually(
      [&] {
        RegistryOptions options;
        options.ttl_seconds = 3;
        auto registered = ServiceRegistry::Register(
            registrant_client.get(), ServiceInstance{"leader", "after", "x:1", {}}, options);
        if (registered.ok()) after = std::move(*registered);
        return registered.ok();
      },
      seconds(20)));
  ExpectConverged(client.get(), **discovery, log, "leader");
  EXPECT_EQ(log.view().size(), 2u);
  // The keep-alive of "before" moved to a live member: it outlives its 3s TTL.
  const auto until = std::chrono::steady_clock::now() + seconds(5);
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_EQ(Truth(client.get(), "leader").count("before"), 1u);
    std::this_thread::sleep_for(milliseconds(250));
  }
  EXPECT_EQ(log.removes("before"), 0);
  ASSERT_TRUE(cluster_->Restart(leader).ok());
}

// Registers, then cuts the discovering client's member off with `isolate`, changes the
// service through the other members, and checks that discovery converges anyway.
void DiscoveryIntegrationTest::ConvergesWhileTheClientsMemberIsCutOff(
    const std::string& service, const std::function<void(int)>& isolate,
    const std::function<void(int)>& rejoin) {
  auto client = Connect();
  CallbackLog log;
  auto discovery = ServiceDiscovery::Start(client.get(), service, log.Callbacks());
  ASSERT_TRUE(discovery.ok());
  const int member = cluster_->IndexOf(client->PinnedEndpoint());
  ASSERT_GE(member, 0);
  std::vector<std::string> others;
  for (int i = 0; i < cluster_->size(); ++i) {
    if (i != member) others.push_back(cluster_->ClientEndpoint(i));
  }
  auto registrant_client = Connect(others, /*discover=*/false);
  auto first = Register(registrant_client.get(), service, "first");
  ExpectConverged(registrant_client.get(), **discovery, log, service);
  ASSERT_TRUE(Eventually([&] { return LocallyVisible(member, service, "first"); }, seconds(10)));
  isolate(member);
  auto second = Register(registrant_client.get(), service, "second");
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(first->Deregister().ok());
  ExpectConverged(registrant_client.get(), **discovery, log, service);
  // Discovery got there through another member: the cut-off one never heard of "second".
  EXPECT_FALSE(LocallyVisible(member, service, "second"));
  EXPECT_EQ(log.view().count("second"), 1u);
  EXPECT_EQ(log.removes("first"), 1);
  EXPECT_EQ(log.adds("first"), 1);
  EXPECT_EQ(log.adds("second"), 1);
  rejoin(member);
}

TEST_F(DiscoveryIntegrationTest, ConvergesWhenTheClientsMemberIsPartitioned) {
  if (absl::Status supported = TestCluster::PartitionSupported(); !supported.ok()) {
    GTEST_SKIP() << supported;
  }
  ConvergesWhileTheClientsMemberIsCutOff(
      "partition", [](int m) { ASSERT_TRUE(cluster_->Partition(m).ok()); },
      [](int) { ASSERT_TRUE(cluster_->Heal().ok()); });
}

TEST_F(DiscoveryIntegrationTest, ConvergesWhenTheClientsMemberIsPaused) {
  ConvergesWhileTheClientsMemberIsCutOff(
      "paused", [](int m) { cluster_->Pause(m); }, [](int m) { cluster_->Resume(m); });
}

TEST_F(DiscoveryIntegrationTest, RegistrantReRegistersAfterAPartitionLongerThanItsTtl) {
  const int leader = cluster_->WaitForLeader(seconds(10));
  ASSERT_GE(leader, 0);
  const int isolated = (leader + 1) % cluster_->size();
  // The registrant can only reach the member we are going to partition.
  auto registrant_client = Connect({cluster_->ClientEndpoint(isolated)}, /*discover=*/false);
  auto registry = Register(registrant_client.get(), "rereg", "phoenix", /*ttl=*/2);
  ASSERT_NE(registry, nullptr);
  auto client = Connect({cluster_->ClientEndpoint(leader)}, /*discover=*/false);
  CallbackLog log;
  auto discovery = ServiceDiscovery::Start(client.get(), "rereg", log.Callbacks());
  ASSERT_TRUE(discovery.ok());
  EXPECT_EQ(log.view().count("phoenix"), 1u);

  cluster_->Pause(isolated);
  ASSERT_TRUE(Eventually([&] { return log.removes("phoenix") == 1; }, seconds(20)));
  cluster_->Resume(isolated);
  EXPECT_TRUE(registry->WaitRegistrations(2, seconds(20)));
  ASSERT_TRUE(Eventually([&] { return log.adds("phoenix") == 2; }, seconds(20)));
  ExpectConverged(client.get(), **discovery, log, "rereg");
}

TEST_F(DiscoveryIntegrationTest, RelistsWhenItsWatchRevisionWasCompacted) {
  const int leader = cluster_->WaitForLeader(seconds(10));
  ASSERT_GE(leader, 0);
  const int paused = (leader + 1) % cluster_->size();
  const int healthy = (leader + 2) % cluster_->size();
  // The discovering client starts on `paused` and can fail over to `healthy`.
  auto client = Connect({cluster_->ClientEndpoint(paused), cluster_->ClientEndpoint(healthy)},
                        /*discover=*/false);
  CallbackLog log;
  auto registrant_client = Connect({cluster_->ClientEndpoint(leader)}, /*discover=*/false);
  auto stays = Register(registrant_client.get(), "compact", "stays");
  auto leaves = Register(registrant_client.get(), "compact", "leaves");
  auto discovery = ServiceDiscovery::Start(client.get(), "compact", log.Callbacks());
  ASSERT_TRUE(discovery.ok());
  EXPECT_EQ((*discovery)->relists(), 1);

  cluster_->Pause(paused);
  ASSERT_TRUE(leaves->Deregister().ok());
  auto arrives = Register(registrant_client.get(), "compact", "arrives");
  auto head = registrant_client->kv().Put("compact-marker", "x");
  ASSERT_TRUE(head.ok());
  ASSERT_TRUE(registrant_client->kv().Compact(head->header().revision()).ok());

  ASSERT_TRUE(Eventually([&] { return (*discovery)->relists() >= 2; }, seconds(30)));
  ExpectConverged(registrant_client.get(), **discovery, log, "compact");
  EXPECT_EQ(log.removes("leaves"), 1);
  EXPECT_EQ(log.adds("arrives"), 1);
  EXPECT_EQ(log.adds("stays"), 1);  // the relist reported only differences
  cluster_->Resume(paused);
}

}  // namespace
}  // namespace raftkv::client
