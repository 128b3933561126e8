#include "server/watch/watch_hub.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "server/watch/fake_event_source.h"

namespace raftkv::server::watch {
namespace {

using etcdserverpb::WatchCreateRequest;
using etcdserverpb::WatchResponse;

constexpr absl::Duration kWait = absl::Seconds(30);  // generous: TSAN on a shared 2-core machine

class WatchHubTest : public ::testing::Test {
 protected:
  void MakeHub(WatchHubOptions options = {}) {
    hub_ = std::make_unique<WatchHub>(&source_, source_.CurrentRevision(), options);
  }
  void SetUp() override { MakeHub(); }
  void TearDown() override {
    streams_.clear();
    hub_.reset();
  }

  std::shared_ptr<WatchStream> NewStream() {
    streams_.push_back(hub_->NewStream());
    return streams_.back();
  }

  void Commit(std::pair<int64_t, std::vector<mvccpb::Event>> written) {
    hub_->OnCommit(written.first, written.second);
  }
  void Put(const std::string& key, const std::string& value) { Commit(source_.Put(key, value)); }
  void Delete(const std::string& key) { Commit(source_.Delete(key)); }

  static WatchCreateRequest Req(const std::string& key, const std::string& end = "",
                                int64_t start = 0) {
    WatchCreateRequest request;
    request.set_key(key);
    request.set_range_end(end);
    request.set_start_revision(start);
    return request;
  }

  // Next response, failing the test if none arrives in time.
  static WatchResponse Next(WatchStream& stream) {
    WatchResponse response;
    bool fragment = false;
    auto result = stream.Pop(absl::Now() + kWait, &response, &fragment);
    EXPECT_EQ(result, WatchStream::PopResult::kResponse);
    return response;
  }
  static bool NothingPending(WatchStream& stream) {
    WatchResponse response;
    bool fragment = false;
    return stream.Pop(absl::Now() + absl::Milliseconds(50), &response, &fragment) ==
           WatchStream::PopResult::kTimeout;
  }
  static int64_t CreateOk(WatchStream& stream, const WatchCreateRequest& request) {
    absl::StatusOr<int64_t> id = stream.Create(request);
    EXPECT_TRUE(id.ok()) << id.status();
    WatchResponse created = Next(stream);
    EXPECT_TRUE(created.created());
    EXPECT_FALSE(created.canceled());
    return id.value_or(-1);
  }

  // Collects events for one watch until `count` arrived.
  static std::vector<mvccpb::Event> CollectEvents(WatchStream& stream, size_t count) {
    std::vector<mvccpb::Event> events;
    while (events.size() < count) {
      WatchResponse response = Next(stream);
      if (response.events_size() == 0 && !response.canceled()) continue;
      if (response.canceled() || ::testing::Test::HasFailure()) break;
      for (const auto& event : response.events()) events.push_back(event);
    }
    return events;
  }

  FakeEventSource source_;
  std::unique_ptr<WatchHub> hub_;
  std::vector<std::shared_ptr<WatchStream>> streams_;
};

TEST_F(WatchHubTest, CreatedThenEventsInRevisionOrder) {
  auto stream = NewStream();
  ASSERT_TRUE(stream->Create(Req("a")).ok());
  WatchResponse created = Next(*stream);
  EXPECT_TRUE(created.created());
  EXPECT_EQ(created.watch_id(), 0);
  EXPECT_EQ(created.header().revision(), 1);

  Put("a", "1");
  Put("b", "x");
  Delete("a");
  WatchResponse first = Next(*stream);
  ASSERT_EQ(first.events_size(), 1);
  EXPECT_EQ(first.events(0).type(), mvccpb::Event::PUT);
  EXPECT_EQ(first.events(0).kv().value(), "1");
  EXPECT_EQ(first.header().revision(), 2);
  WatchResponse second = Next(*stream);
  ASSERT_EQ(second.events_size(), 1);
  EXPECT_EQ(second.events(0).type(), mvccpb::Event::DELETE);
  EXPECT_EQ(second.events(0).kv().mod_revision(), 4);
  EXPECT_TRUE(NothingPending(*stream));
}

TEST_F(WatchHubTest, RangePrefixAndFromKeyMatching) {
  auto stream = NewStream();
  int64_t interval = CreateOk(*stream, Req("b", "d"));
  int64_t prefix = CreateOk(*stream, Req("foo", "fop"));
  int64_t from_key = CreateOk(*stream, Req("m", std::string(1, '\0')));
  int64_t everything = CreateOk(*stream, Req("", std::string(1, '\0')));

  for (const char* key : {"a", "b", "c", "d", "foo", "foo/bar", "fop", "m", "zz"}) Put(key, "v");

  std::map<int64_t, std::vector<std::string>> seen;
  for (int i = 0; i < 2 + 2 + 2 + 9; ++i) {
    WatchResponse response = Next(*stream);
    for (const auto& event : response.events()) {
      seen[response.watch_id()].push_back(event.kv().key());
    }
  }
  EXPECT_EQ(seen[interval], (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(seen[prefix], (std::vector<std::string>{"foo", "foo/bar"}));
  EXPECT_EQ(seen[from_key], (std::vector<std::string>{"m", "zz"}));
  EXPECT_EQ(seen[everything].size(), 9u);
  EXPECT_TRUE(NothingPending(*stream));
}

TEST_F(WatchHubTest, EmptyRangeIsRejectedLikeEtcd) {
  auto stream = NewStream();
  EXPECT_FALSE(stream->Create(Req("b", "a")).ok());
  WatchResponse response = Next(*stream);
  EXPECT_TRUE(response.created());
  EXPECT_TRUE(response.canceled());
  EXPECT_EQ(response.watch_id(), -1);
  EXPECT_EQ(response.cancel_reason(), "mvcc: watcher range is empty");
}

TEST_F(WatchHubTest, FiltersDropPutsOrDeletes) {
  auto stream = NewStream();
  WatchCreateRequest no_put = Req("k");
  no_put.add_filters(WatchCreateRequest::NOPUT);
  WatchCreateRequest no_delete = Req("k");
  no_delete.add_filters(WatchCreateRequest::NODELETE);
  int64_t no_put_id = CreateOk(*stream, no_put);
  int64_t no_delete_id = CreateOk(*stream, no_delete);
  Put("k", "1");
  Delete("k");
  WatchResponse one = Next(*stream);
  WatchResponse two = Next(*stream);
  EXPECT_EQ(one.watch_id(), no_delete_id);
  EXPECT_EQ(one.events(0).type(), mvccpb::Event::PUT);
  EXPECT_EQ(two.watch_id(), no_put_id);
  EXPECT_EQ(two.events(0).type(), mvccpb::Event::DELETE);
  EXPECT_TRUE(NothingPending(*stream));
}

TEST_F(WatchHubTest, PrevKvOnlyWhenAskedAndFilledFromHistory) {
  auto stream = NewStream();
  WatchCreateRequest with_prev = Req("k");
  with_prev.set_prev_kv(true);
  int64_t with_id = CreateOk(*stream, with_prev);
  CreateOk(*stream, Req("k"));
  Put("k", "1");
  Put("k", "2");
  Delete("k");
  std::map<int64_t, std::vector<mvccpb::Event>> got;
  for (int i = 0; i < 6; ++i) {
    WatchResponse response = Next(*stream);
    for (const auto& event : response.events()) got[response.watch_id()].push_back(event);
  }
  ASSERT_EQ(got[with_id].size(), 3u);
  EXPECT_FALSE(got[with_id][0].has_prev_kv());  // a create has no previous value
  EXPECT_EQ(got[with_id][1].prev_kv().value(), "1");
  EXPECT_EQ(got[with_id][2].prev_kv().value(), "2");  // filled via ValueAt for the delete
  for (const auto& event : got[1 - with_id]) EXPECT_FALSE(event.has_prev_kv());
}

TEST_F(WatchHubTest, OneRevisionIsOneResponse) {
  auto stream = NewStream();
  CreateOk(*stream, Req("t/", "t0"));
  Commit(source_.Write(
      {{false, "t/a", "1"}, {false, "t/b", "2"}, {false, "x", "3"}, {false, "t/c", "4"}}));
  WatchResponse response = Next(*stream);
  ASSERT_EQ(response.events_size(), 3);
  EXPECT_EQ(response.events(2).kv().key(), "t/c");
}

TEST_F(WatchHubTest, StartRevisionReplaysHistoryThenLive) {
  for (int i = 0; i < 10; ++i) Put("h", std::to_string(i));  // revisions 2..11
  auto stream = NewStream();
  CreateOk(*stream, Req("h", "", 5));
  std::vector<mvccpb::Event> history = CollectEvents(*stream, 7);
  ASSERT_EQ(history.size(), 7u);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(history[i].kv().mod_revision(), 5 + i);
  Put("h", "live");
  std::vector<mvccpb::Event> live = CollectEvents(*stream, 1);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].kv().mod_revision(), 12);
  EXPECT_TRUE(NothingPending(*stream));
}

TEST_F(WatchHubTest, CompactedStartRevisionCancelsWithCompactRevision) {
  for (int i = 0; i < 10; ++i) Put("c", std::to_string(i));
  source_.Compact(6);
  auto stream = NewStream();
  CreateOk(*stream, Req("c", "", 3));
  WatchResponse response = Next(*stream);
  EXPECT_TRUE(response.canceled());
  EXPECT_EQ(response.compact_revision(), 6);
  EXPECT_EQ(response.cancel_reason(), "etcdserver: mvcc: required revision has been compacted");
  EXPECT_EQ(response.events_size(), 0);
  // The compacted revision itself is still readable.
  CreateOk(*stream, Req("c", "", 6));
  EXPECT_EQ(CollectEvents(*stream, 6).size(), 6u);
}

TEST_F(WatchHubTest, FutureStartRevisionWaitsForIt) {
  auto stream = NewStream();
  CreateOk(*stream, Req("f", "", 4));
  Put("f", "2");
  Put("f", "3");
  Put("f", "4");
  std::vector<mvccpb::Event> events = CollectEvents(*stream, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kv().mod_revision(), 4);
}

TEST_F(WatchHubTest, CancelStopsDeliveryAndUnknownIdIsNotFound) {
  auto stream = NewStream();
  int64_t id = CreateOk(*stream, Req("k"));
  ASSERT_TRUE(stream->Cancel(id).ok());
  WatchResponse canceled = Next(*stream);
  EXPECT_TRUE(canceled.canceled());
  EXPECT_EQ(canceled.watch_id(), id);
  Put("k", "v");
  EXPECT_TRUE(NothingPending(*stream));
  EXPECT_EQ(stream->Cancel(id).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(hub_->SyncedWatcherCount() + hub_->UnsyncedWatcherCount(), 0u);
}

TEST_F(WatchHubTest, ServerAndClientChosenIds) {
  auto stream = NewStream();
  EXPECT_EQ(CreateOk(*stream, Req("a")), 0);
  WatchCreateRequest chosen = Req("a");
  chosen.set_watch_id(2);
  EXPECT_EQ(CreateOk(*stream, chosen), 2);
  EXPECT_EQ(CreateOk(*stream, Req("a")), 1);
  EXPECT_EQ(CreateOk(*stream, Req("a")), 3);  // 2 is taken, skipped

  EXPECT_EQ(stream->Create(chosen).status().code(), absl::StatusCode::kAlreadyExists);
  WatchResponse duplicate = Next(*stream);
  EXPECT_TRUE(duplicate.created());
  EXPECT_TRUE(duplicate.canceled());
  EXPECT_EQ(duplicate.watch_id(), -1);
  EXPECT_EQ(duplicate.cancel_reason(), "mvcc: duplicate watch ID provided on the WatchStream");

  // Ids are per stream.
  auto other = NewStream();
  EXPECT_EQ(CreateOk(*other, Req("a")), 0);
}

TEST_F(WatchHubTest, ProgressRequestReportsFullyDeliveredRevision) {
  auto stream = NewStream();
  CreateOk(*stream, Req("p"));
  Put("q", "1");
  Put("q", "2");
  stream->RequestProgress();
  WatchResponse progress = Next(*stream);
  EXPECT_EQ(progress.watch_id(), -1);
  EXPECT_EQ(progress.events_size(), 0);
  EXPECT_FALSE(progress.created());
  EXPECT_EQ(progress.header().revision(), 3);
}

TEST_F(WatchHubTest, ProgressNotifyOnlyForIdleSyncedWatchers) {
  auto stream = NewStream();
  WatchCreateRequest notify = Req("n");
  notify.set_progress_notify(true);
  int64_t id = CreateOk(*stream, notify);
  CreateOk(*stream, Req("n"));  // no progress_notify: never gets ticks
  stream->TickProgress();
  WatchResponse tick = Next(*stream);
  EXPECT_EQ(tick.watch_id(), id);
  EXPECT_EQ(tick.events_size(), 0);
  EXPECT_EQ(tick.header().revision(), 1);
  EXPECT_TRUE(NothingPending(*stream));

  Put("n", "1");
  EXPECT_EQ(Next(*stream).events_size(), 1);
  EXPECT_EQ(Next(*stream).events_size(), 1);
  stream->TickProgress();  // events were sent since the last tick: elided
  EXPECT_TRUE(NothingPending(*stream));
  stream->TickProgress();
  EXPECT_EQ(Next(*stream).header().revision(), 2);
}

TEST_F(WatchHubTest, ReconnectWithLastPlusOneHasNoGapNoDuplicate) {
  auto first = NewStream();
  CreateOk(*first, Req("r"));
  for (int i = 0; i < 5; ++i) Put("r", std::to_string(i));  // 2..6
  std::vector<mvccpb::Event> seen = CollectEvents(*first, 5);
  first->Close();
  for (int i = 5; i < 8; ++i) Put("r", std::to_string(i));  // 7..9 while disconnected
  auto second = NewStream();
  CreateOk(*second, Req("r", "", seen.back().kv().mod_revision() + 1));
  std::thread writer([this] {
    for (int i = 8; i < 12; ++i) Put("r", std::to_string(i));  // 10..13 racing the catch-up
  });
  std::vector<mvccpb::Event> rest = CollectEvents(*second, 7);
  writer.join();
  for (const auto& event : rest) seen.push_back(event);
  ASSERT_EQ(seen.size(), 12u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].kv().mod_revision(), 2 + int(i));
  EXPECT_TRUE(NothingPending(*second));
}

TEST_F(WatchHubTest, SlowStreamDoesNotBlockFastOneAndStillGetsEverythingOnce) {
  WatchHubOptions options;
  options.stream_buffer_responses = 4;
  options.max_revisions_per_catchup = 7;  // several catch-up rounds
  streams_.clear();
  MakeHub(options);
  auto slow = NewStream();
  auto fast = NewStream();
  CreateOk(*slow, Req("s"));
  CreateOk(*fast, Req("s"));
  constexpr int kRevisions = 100;
  std::vector<mvccpb::Event> fast_events;
  std::thread fast_reader([&] { fast_events = CollectEvents(*fast, kRevisions); });
  for (int i = 0; i < kRevisions; ++i) Put("s", std::to_string(i));
  // `fast` receives everything while `slow` has not read a single response.
  fast_reader.join();
  EXPECT_GE(hub_->UnsyncedWatcherCount(), 1u);
  std::vector<mvccpb::Event> slow_events = CollectEvents(*slow, kRevisions);
  for (auto* events : {&fast_events, &slow_events}) {
    ASSERT_EQ(events->size(), size_t{kRevisions});
    for (int i = 0; i < kRevisions; ++i) {
      EXPECT_EQ((*events)[i].kv().mod_revision(), 2 + i);
      EXPECT_EQ((*events)[i].kv().value(), std::to_string(i));
    }
  }
  EXPECT_TRUE(NothingPending(*slow));
  EXPECT_EQ(hub_->SyncedWatcherCount(), 2u);
}

TEST_F(WatchHubTest, ThousandWatchersEachGetEveryEventExactlyOnce) {
  WatchHubOptions options;
  options.stream_buffer_responses = 8;  // forces slow readers into catch-up
  streams_.clear();
  MakeHub(options);
  constexpr int kStreams = 50;
  constexpr int kWatchersPerStream = 20;
  constexpr int kRevisions = 200;
  std::vector<std::shared_ptr<WatchStream>> streams;
  for (int s = 0; s < kStreams; ++s) {
    streams.push_back(NewStream());
    for (int w = 0; w < kWatchersPerStream; ++w) {
      // Mix of single-key, prefix and from-key watchers, all covering key "w/k".
      WatchCreateRequest request = w % 3 == 0   ? Req("w/k")
                                   : w % 3 == 1 ? Req("w/", "w0")
                                                : Req("w", std::string(1, '\0'));
      CreateOk(*streams.back(), request);
    }
  }
  std::atomic<bool> failed{false};
  std::vector<std::thread> readers;
  for (int s = 0; s < kStreams; ++s) {
    readers.emplace_back([&, s] {
      std::map<int64_t, int64_t> last_revision;
      int64_t received = 0;
      while (received < int64_t{kWatchersPerStream} * kRevisions && !failed) {
        WatchResponse response;
        bool fragment;
        if (streams[s]->Pop(absl::Now() + kWait, &response, &fragment) !=
            WatchStream::PopResult::kResponse) {
          failed = true;
          break;
        }
        for (const auto& event : response.events()) {
          int64_t& last = last_revision[response.watch_id()];
          if (event.kv().mod_revision() != (last == 0 ? 2 : last + 1)) failed = true;
          last = event.kv().mod_revision();
          ++received;
        }
      }
    });
  }
  for (int i = 0; i < kRevisions; ++i) Put("w/k", std::to_string(i));
  for (auto& reader : readers) reader.join();
  EXPECT_FALSE(failed);
  for (auto& stream : streams) EXPECT_TRUE(NothingPending(*stream));
  EXPECT_EQ(hub_->SyncedWatcherCount(), size_t{kStreams} * kWatchersPerStream);
}

TEST_F(WatchHubTest, TryPopBatchTakesEventsUpToAControlResponseWithSharedEvents) {
  auto stream = NewStream();
  ASSERT_TRUE(stream->Create(Req("b")).ok());
  ASSERT_TRUE(stream->Create(Req("b")).ok());
  for (int i = 0; i < 3; ++i) Put("b", std::to_string(i));  // revisions 2..4
  ASSERT_TRUE(stream->Cancel(1).ok());
  Put("b", "last");  // revision 5, watch 0 only

  std::vector<WatchStream::PoppedResponse> batch;
  const auto next_batch = [&] {
    batch.clear();
    return stream->TryPopBatch(100, &batch);
  };
  // Control responses come alone.
  ASSERT_EQ(next_batch(), WatchStream::PopResult::kResponse);
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_TRUE(batch[0].response.created());
  ASSERT_EQ(next_batch(), WatchStream::PopResult::kResponse);
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_TRUE(batch[0].response.created());
  // The six event responses, each watch's events shared rather than copied.
  ASSERT_EQ(next_batch(), WatchStream::PopResult::kResponse);
  ASSERT_EQ(batch.size(), 6u);
  for (size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(batch[i].response.header().revision(), int64_t(2 + i / 2));
    EXPECT_EQ(batch[i].response.events_size(), 0);
    ASSERT_NE(batch[i].shared_events, nullptr);
    ASSERT_EQ(batch[i].shared_events->events.size(), 1u);
    EXPECT_EQ(batch[i].shared_events->events[0].kv().mod_revision(), int64_t(2 + i / 2));
    WatchResponse parsed;
    ASSERT_TRUE(parsed.ParseFromString(batch[i].shared_events->wire));
    ASSERT_EQ(parsed.events_size(), 1);
    EXPECT_EQ(parsed.events(0).kv().mod_revision(), int64_t(2 + i / 2));
  }
  EXPECT_EQ(batch[0].shared_events, batch[1].shared_events);  // one copy per revision
  ASSERT_EQ(next_batch(), WatchStream::PopResult::kResponse);
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_TRUE(batch[0].response.canceled());
  ASSERT_EQ(next_batch(), WatchStream::PopResult::kResponse);
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch[0].response.watch_id(), 0);
  EXPECT_EQ(batch[0].response.header().revision(), 5);
  EXPECT_EQ(next_batch(), WatchStream::PopResult::kTimeout);
}

TEST_F(WatchHubTest, ReadyCallbackRunsOnceWhenAnEmptyQueueGetsAResponse) {
  auto stream = NewStream();
  std::atomic<int> calls{0};
  stream->SetReadyCallback([&] { ++calls; });
  std::vector<WatchStream::PoppedResponse> batch;
  const auto next_batch = [&] {
    batch.clear();
    return stream->TryPopBatch(100, &batch);
  };
  EXPECT_EQ(next_batch(), WatchStream::PopResult::kTimeout);
  ASSERT_TRUE(stream->Create(Req("r")).ok());
  Put("r", "1");
  EXPECT_EQ(calls.load(), 1);  // armed once by the empty TryPopBatch
  EXPECT_EQ(next_batch(), WatchStream::PopResult::kResponse);  // "created" travels alone
  EXPECT_EQ(next_batch(), WatchStream::PopResult::kResponse);
  ASSERT_EQ(batch.size(), 1u);
  ASSERT_NE(batch[0].shared_events, nullptr);
  EXPECT_EQ(batch[0].shared_events->events.size(), 1u);
  EXPECT_EQ(next_batch(), WatchStream::PopResult::kTimeout);
  Put("r", "2");
  EXPECT_EQ(calls.load(), 2);
  stream->SetReadyCallback(nullptr);
}

TEST_F(WatchHubTest, RestoreReplaysFromHistory) {
  auto stream = NewStream();
  CreateOk(*stream, Req("z"));
  Put("z", "1");
  EXPECT_EQ(CollectEvents(*stream, 1).size(), 1u);
  // Snapshot install: the store jumped ahead without OnCommit calls.
  source_.Put("z", "2");
  source_.Put("z", "3");
  hub_->OnRestore(source_.CurrentRevision());
  std::vector<mvccpb::Event> replayed = CollectEvents(*stream, 2);
  ASSERT_EQ(replayed.size(), 2u);
  EXPECT_EQ(replayed[0].kv().value(), "2");
  EXPECT_EQ(replayed[1].kv().value(), "3");
}

}  // namespace
}  // namespace raftkv::server::watch
