// Service registration on a 3-member raftkv cluster: 100 instances register a key under
// a lease with TTL 5 s and keep it alive; half of them "die" (stop their keep-alives).
// Their keys must vanish within TTL + an election timeout (+ slack), never early, the
// live half must stay, and a discovery client's list+watch cache must converge to
// exactly the live half.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/cluster/member_rpc.h"
#include "tests/cluster/three_member_cluster_test.h"
#include "tests/watchlease/lease_keep_aliver.h"
#include "tests/watchlease/lease_rpc.h"
#include "tests/watchlease/watch_stream.h"

namespace raftkv::watchlease_test {
namespace {

using cluster_test::PrefixEnd;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;
using Registry = std::map<std::string, std::string>;

constexpr char kPrefix[] = "services/api/";
constexpr int kInstances = 100;
constexpr int64_t kTtlSeconds = 5;

std::string InstanceKey(int i) { return absl::StrCat(kPrefix, "instance-", i); }
std::string InstanceAddress(int i) { return absl::StrCat("10.0.0.", i, ":8080"); }

// A discovery client: lists the prefix once, then applies watch events from the next
// revision, as Kubernetes-style list-watch caches do.
class DiscoveryCache {
 public:
  explicit DiscoveryCache(const std::string& endpoint) : stream_(endpoint) {
    auto listed = LeaseRpc(endpoint).RangePrefix(kPrefix);
    EXPECT_TRUE(listed.ok()) << listed.status();
    if (!listed.ok()) return;
    listed_ = listed->kvs;
    auto id = stream_.Watch({kPrefix, PrefixEnd(kPrefix), listed->revision + 1});
    EXPECT_TRUE(id.ok()) << id.status();
    if (id.ok()) watch_id_ = *id;
  }

  Registry View() const {
    Registry view = listed_;
    for (const auto& event : stream_.Events(watch_id_)) {
      if (event.type() == mvccpb::Event::PUT) {
        view[event.kv().key()] = event.kv().value();
      } else {
        view.erase(event.kv().key());
      }
    }
    return view;
  }
  bool Broken() const { return stream_.Broken(); }

 private:
  WatchStream stream_;
  Registry listed_;
  int64_t watch_id_ = -1;
};

class ServiceRegistrationTest : public cluster_test::ThreeMemberClusterTest {
 protected:
  Registry Registered(int member) {
    auto keys = cluster_->Rpc(member).SerializableRangePrefix(kPrefix);
    EXPECT_TRUE(keys.ok()) << keys.status();
    return keys.ok() ? *keys : Registry{};
  }
};

TEST_F(ServiceRegistrationTest, DeadInstancesVanishWithinTtlAndDiscoveryConverges) {
  std::vector<std::unique_ptr<LeaseKeepAliver>> keep_alivers;
  std::vector<std::unique_ptr<LeaseRpc>> rpcs;
  for (int member = 0; member < 3; ++member) {
    keep_alivers.push_back(std::make_unique<LeaseKeepAliver>(
        std::vector<std::string>{cluster_->ClientEndpoint(member),
                                 cluster_->ClientEndpoint((member + 1) % 3)},
        seconds(1)));
    rpcs.push_back(std::make_unique<LeaseRpc>(cluster_->ClientEndpoint(member)));
  }
  std::vector<int64_t> leases(kInstances);
  Registry live_half;
  for (int i = 0; i < kInstances; ++i) {
    auto lease = rpcs[i % 3]->Grant(kTtlSeconds);
    ASSERT_TRUE(lease.ok()) << "instance " << i << ": " << lease.status();
    leases[i] = *lease;
    keep_alivers[i % 3]->Add(*lease);
    ASSERT_TRUE(rpcs[i % 3]->Put(InstanceKey(i), InstanceAddress(i), *lease).ok());
    if (i % 2 == 0) live_half[InstanceKey(i)] = InstanceAddress(i);
  }
  ASSERT_EQ(Registered(leader_).size(), size_t{kInstances});

  const int watcher_member = (leader_ + 1) % 3;
  DiscoveryCache discovery(cluster_->ClientEndpoint(watcher_member));
  ASSERT_EQ(discovery.View().size(), size_t{kInstances});

  // Half the instances die: nobody refreshes their leases any more.
  for (int i = 1; i < kInstances; i += 2) keep_alivers[i % 3]->Remove(leases[i]);
  const auto killed_at = Clock::now();

  // Their last keep-alive was at most ~1 s before the kill, so no key may vanish
  // before TTL - 1 s - slack; all must be gone by TTL + election timeout + slack.
  const auto earliest = killed_at + seconds(kTtlSeconds) - milliseconds(1500);
  const auto latest = killed_at + seconds(10);
  std::optional<Clock::duration> first_vanished;
  while (Clock::now() < latest) {
    Registry now = Registered(leader_);
    if (!first_vanished && now.size() < size_t{kInstances}) {
      first_vanished = Clock::now() - killed_at;
      EXPECT_GE(Clock::now(), earliest) << "a dead instance's key vanished "
                                        << std::chrono::duration<double>(*first_vanished).count()
                                        << " s after the kill, before its TTL could run out";
    }
    if (now == live_half) break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  const auto converged_after = Clock::now() - killed_at;
  for (int member = 0; member < 3; ++member) {
    Registry registered = Registered(member);
    EXPECT_EQ(registered.size(), live_half.size()) << "member " << member;
    EXPECT_TRUE(registered == live_half)
        << "member " << member << " does not hold exactly the live half after "
        << std::chrono::duration<double>(converged_after).count() << " s";
  }
  EXPECT_TRUE(cluster_test::Eventually([&] { return discovery.View() == live_half; }, seconds(3)))
      << "discovery cache has " << discovery.View().size() << " instances, expected "
      << live_half.size();
  EXPECT_FALSE(discovery.Broken());

  // The live half stays registered well past another TTL.
  std::this_thread::sleep_for(seconds(kTtlSeconds + 1));
  EXPECT_TRUE(Registered(leader_) == live_half) << "live instances lost their keys";
  EXPECT_TRUE(discovery.View() == live_half);
  for (const auto& keep_alive : keep_alivers) {
    EXPECT_TRUE(keep_alive->Lost().empty()) << "a live instance's lease was reported lost";
  }
}

}  // namespace
}  // namespace raftkv::watchlease_test
