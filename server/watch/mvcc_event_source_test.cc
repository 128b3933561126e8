#include "server/watch/mvcc_event_source.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "server/watch/watch_hub.h"

namespace raftkv::server::watch {
namespace {

// End to end with the real store: its EventSink feeds the hub, and a watcher
// that starts in the past is served from the store's history.
TEST(MvccEventSourceTest, HubOverRealStoreDeliversHistoryAndLiveEvents) {
  const std::string path = ::testing::TempDir() + "/mvcc_event_source";
  std::filesystem::remove_all(path);
  auto store = storage::MvccStore::Open({path, /*sync_writes=*/false});
  ASSERT_TRUE(store.ok()) << store.status();
  MvccEventSource source(store->get());
  WatchHub hub(&source, (*store)->CurrentRevision());
  (*store)->SetEventSink([&hub](int64_t revision, const std::vector<mvccpb::Event>& events) {
    hub.OnCommit(revision, events);
  });
  auto put = [&](const std::string& key, const std::string& value) {
    etcdserverpb::PutRequest request;
    request.set_key(key);
    request.set_value(value);
    ASSERT_TRUE((*store)->Put(request, 0).ok());
  };
  put("a", "1");  // rev 2
  put("a", "2");  // rev 3

  auto stream = hub.NewStream();
  etcdserverpb::WatchCreateRequest create;
  create.set_key("a");
  create.set_start_revision(2);
  create.set_prev_kv(true);
  ASSERT_TRUE(stream->Create(create).ok());
  put("a", "3");  // rev 4, live

  std::vector<mvccpb::Event> events;
  while (events.size() < 3) {
    etcdserverpb::WatchResponse response;
    bool fragment;
    ASSERT_EQ(stream->Pop(absl::Now() + absl::Seconds(10), &response, &fragment),
              WatchStream::PopResult::kResponse);
    for (const auto& event : response.events()) events.push_back(event);
  }
  ASSERT_EQ(events.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(events[i].kv().mod_revision(), 2 + i);
    EXPECT_EQ(events[i].kv().value(), std::to_string(i + 1));
  }
  EXPECT_FALSE(events[0].has_prev_kv());
  EXPECT_EQ(events[1].prev_kv().value(), "1");
  EXPECT_EQ(events[2].prev_kv().value(), "2");
  EXPECT_EQ(source.ValueAt("a", 3)->value(), "2");
  EXPECT_FALSE(source.ValueAt("a", 1).has_value());
  stream.reset();
}

}  // namespace
}  // namespace raftkv::server::watch
