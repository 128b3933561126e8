// 1,000 watchers spread over the three members of a raftkv cluster (20 streams x 50
// watches) while four writers put keys through every member: each watcher must see
// every event of its range exactly once, in revision order.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/cluster/member_rpc.h"
#include "tests/cluster/three_member_cluster_test.h"
#include "tests/watchlease/event_history.h"
#include "tests/watchlease/lease_rpc.h"
#include "tests/watchlease/watch_stream.h"

namespace raftkv::watchlease_test {
namespace {

using cluster_test::PrefixEnd;

constexpr int kStreams = 20;
constexpr int kWatchesPerStream = 50;
constexpr int kWriters = 4;
constexpr int kPutsPerWriter = 150;

struct Watcher {
  WatchStream* stream;
  int64_t watch_id;
  std::string prefix;  // "fan/" (everything) or "fan/w<n>/" (one writer's keys)
};

class WatchFanoutTest : public cluster_test::ThreeMemberClusterTest {};

// Each writer puts its own keys through member (writer % 3); returns the last revision.
int64_t RunWriters(cluster_test::RaftkvCluster& cluster) {
  std::vector<std::thread> writers;
  std::atomic<int64_t> last_revision{0};
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      LeaseRpc rpc(cluster.ClientEndpoint(w % cluster.size()));
      for (int n = 0; n < kPutsPerWriter; ++n) {
        auto revision = rpc.Put(absl::StrCat("fan/w", w, "/k", n % 20), absl::StrCat("v", n));
        ASSERT_TRUE(revision.ok()) << revision.status();
        int64_t seen = last_revision.load();
        while (*revision > seen && !last_revision.compare_exchange_weak(seen, *revision)) {
        }
      }
    });
  }
  for (auto& writer : writers) writer.join();
  return last_revision.load();
}

TEST_F(WatchFanoutTest, ThousandWatchersSeeEveryEventExactlyOnceUnderWriteLoad) {
  LeaseRpc leader(cluster_->ClientEndpoint(leader_));
  auto before = leader.RangePrefix("fan/");
  ASSERT_TRUE(before.ok()) << before.status();
  const int64_t start_revision = before->revision + 1;

  std::vector<std::unique_ptr<WatchStream>> streams;
  std::vector<Watcher> watchers;
  for (int s = 0; s < kStreams; ++s) {
    streams.push_back(std::make_unique<WatchStream>(cluster_->ClientEndpoint(s % 3)));
  }
  // Half the watches are created before the load starts and half while it runs, so
  // creation interleaves with event delivery; start_revision pins what each must see.
  auto create_watches = [&](int first_stream, int last_stream) {
    for (int s = first_stream; s < last_stream; ++s) {
      for (int j = 0; j < kWatchesPerStream; ++j) {
        WatchSpec spec;
        spec.key = j % 2 == 0 ? "fan/" : absl::StrCat("fan/w", j % kWriters, "/");
        spec.range_end = PrefixEnd(spec.key);
        spec.start_revision = start_revision;
        auto id = streams[s]->Watch(spec);
        ASSERT_TRUE(id.ok()) << "stream " << s << " watch " << j << ": " << id.status();
        watchers.push_back(Watcher{streams[s].get(), *id, spec.key});
      }
    }
  };
  create_watches(0, kStreams / 2);
  ASSERT_FALSE(HasFatalFailure());

  int64_t last_revision = 0;
  std::thread load([&] { last_revision = RunWriters(*cluster_); });
  create_watches(kStreams / 2, kStreams);
  load.join();
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_EQ(watchers.size(), size_t{kStreams * kWatchesPerStream});
  ASSERT_EQ(last_revision, start_revision - 1 + kWriters * kPutsPerWriter)
      << "every put is one revision";

  auto history = ReadHistory(cluster_->ClientEndpoint(leader_), "fan/", start_revision,
                             last_revision, std::chrono::seconds(10));
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), size_t{kWriters * kPutsPerWriter});

  int failures = 0;
  for (size_t i = 0; i < watchers.size() && failures < 10; ++i) {
    const Watcher& watcher = watchers[i];
    const std::vector<mvccpb::Event> expected = FilterPrefix(*history, watcher.prefix);
    // Delivery is asynchronous: give the watcher time to drain before judging it.
    watcher.stream->WaitForEvents(watcher.watch_id, expected.size(), std::chrono::seconds(20));
    const std::string difference =
        DescribeDifference(watcher.stream->Events(watcher.watch_id), expected);
    if (!difference.empty()) {
      ++failures;
      ADD_FAILURE() << "watcher " << i << " (" << watcher.prefix << ") on "
                    << watcher.stream->endpoint() << ": " << difference;
    }
  }
  for (const auto& stream : streams) {
    EXPECT_FALSE(stream->Broken()) << stream->endpoint();
    EXPECT_TRUE(stream->Canceled().empty()) << stream->endpoint();
  }
  // Nothing more than the history may arrive later either (no late duplicates).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (size_t i = 0; i < watchers.size(); i += 97) {
    EXPECT_EQ(watchers[i].stream->EventCount(watchers[i].watch_id),
              FilterPrefix(*history, watchers[i].prefix).size())
        << "watcher " << i;
  }
}

}  // namespace
}  // namespace raftkv::watchlease_test
