#include "server/watch/watch_stream_service.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <map>
#include <memory>
#include <thread>

#include "gtest/gtest.h"
#include "server/watch/fake_event_source.h"

namespace raftkv::server::watch {
namespace {

using etcdserverpb::WatchRequest;
using etcdserverpb::WatchResponse;

class WatchServiceTest : public ::testing::Test {
 protected:
  static constexpr size_t kMaxResponseBytes = 16 * 1024;

  void SetUp() override {
    hub_ = std::make_unique<WatchHub>(&source_, source_.CurrentRevision());
    WatchServerContext context;
    context.header = [] {
      etcdserverpb::ResponseHeader header;
      header.set_cluster_id(11);
      header.set_member_id(22);
      header.set_raft_term(3);
      return header;
    };
    context.progress_interval = absl::Milliseconds(100);
    context.max_response_bytes = kMaxResponseBytes;
    context.has_leader = [this] { return has_leader_.load(); };
    context.leader_check_interval = absl::Milliseconds(20);
    service_ = std::make_unique<WatchStreamService>(hub_.get(), context);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(port, 0);
    address_ = "127.0.0.1:" + std::to_string(port);
    stub_ = etcdserverpb::Watch::NewStub(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    server_.reset();
    service_.reset();
    hub_.reset();
  }

  void Commit(std::pair<int64_t, std::vector<mvccpb::Event>> written) {
    hub_->OnCommit(written.first, written.second);
  }

  static WatchRequest Create(const std::string& key, int64_t start = 0, bool progress = false) {
    WatchRequest request;
    request.mutable_create_request()->set_key(key);
    request.mutable_create_request()->set_start_revision(start);
    request.mutable_create_request()->set_progress_notify(progress);
    return request;
  }

  std::atomic<bool> has_leader_{true};
  FakeEventSource source_;
  std::unique_ptr<WatchHub> hub_;
  std::unique_ptr<WatchStreamService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  std::unique_ptr<etcdserverpb::Watch::Stub> stub_;
};

TEST_F(WatchServiceTest, CreateReceiveCancelOverGrpc) {
  grpc::ClientContext context;
  auto stream = stub_->Watch(&context);
  ASSERT_TRUE(stream->Write(Create("k")));
  WatchResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_TRUE(response.created());
  EXPECT_EQ(response.header().cluster_id(), 11u);
  EXPECT_EQ(response.header().member_id(), 22u);
  EXPECT_EQ(response.header().raft_term(), 3u);
  EXPECT_EQ(response.header().revision(), 1);

  Commit(source_.Put("k", "v"));
  ASSERT_TRUE(stream->Read(&response));
  ASSERT_EQ(response.events_size(), 1);
  EXPECT_EQ(response.events(0).kv().value(), "v");
  EXPECT_EQ(response.header().revision(), 2);
  EXPECT_EQ(response.header().member_id(), 22u);

  WatchRequest progress;
  progress.mutable_progress_request();
  ASSERT_TRUE(stream->Write(progress));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.watch_id(), -1);
  EXPECT_EQ(response.header().revision(), 2);

  WatchRequest cancel;
  cancel.mutable_cancel_request()->set_watch_id(0);
  ASSERT_TRUE(stream->Write(cancel));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_TRUE(response.canceled());
  EXPECT_EQ(response.watch_id(), 0);

  ASSERT_TRUE(stream->WritesDone());
  while (stream->Read(&response)) {
  }
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(WatchServiceTest, HistoryAndPeriodicProgressNotify) {
  for (int i = 0; i < 3; ++i) Commit(source_.Put("h", std::to_string(i)));  // revs 2..4
  grpc::ClientContext context;
  auto stream = stub_->Watch(&context);
  ASSERT_TRUE(stream->Write(Create("h", 2, /*progress=*/true)));
  WatchResponse response;
  ASSERT_TRUE(stream->Read(&response));
  ASSERT_TRUE(response.created());
  int events = 0;
  while (events < 3 && stream->Read(&response)) events += response.events_size();
  EXPECT_EQ(events, 3);
  // Idle: a progress notification arrives within a few intervals.
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.events_size(), 0);
  EXPECT_EQ(response.watch_id(), 0);
  EXPECT_EQ(response.header().revision(), 4);
  context.TryCancel();
}

TEST_F(WatchServiceTest, ClientDisconnectReleasesWatchers) {
  {
    grpc::ClientContext context;
    auto stream = stub_->Watch(&context);
    ASSERT_TRUE(stream->Write(Create("gone")));
    WatchResponse response;
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_EQ(hub_->SyncedWatcherCount(), 1u);
    context.TryCancel();
  }
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (hub_->SyncedWatcherCount() != 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(hub_->SyncedWatcherCount(), 0u);
}

TEST_F(WatchServiceTest, RequireLeaderStreamIsRefusedWithoutLeader) {
  has_leader_ = false;
  grpc::ClientContext context;
  context.AddMetadata("hasleader", "true");
  auto stream = stub_->Watch(&context);
  stream->Write(Create("k"));
  WatchResponse response;
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(), "etcdserver: no leader");
}

TEST_F(WatchServiceTest, LosingTheLeaderEndsOnlyRequireLeaderStreams) {
  grpc::ClientContext strict_context;
  strict_context.AddMetadata("hasleader", "true");
  auto strict = stub_->Watch(&strict_context);
  grpc::ClientContext relaxed_context;
  auto relaxed = stub_->Watch(&relaxed_context);
  WatchResponse response;
  ASSERT_TRUE(strict->Write(Create("k")));
  ASSERT_TRUE(strict->Read(&response));
  ASSERT_TRUE(response.created());
  ASSERT_TRUE(relaxed->Write(Create("k")));
  ASSERT_TRUE(relaxed->Read(&response));
  ASSERT_TRUE(response.created());

  has_leader_ = false;
  // The strict stream ends (Read fails) after a few checks without a leader; the
  // server's periodic progress notifications are the only other thing it may see.
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  bool ended = false;
  while (!ended && absl::Now() < deadline) ended = !strict->Read(&response);
  EXPECT_TRUE(ended);
  grpc::Status status = strict->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(), "etcdserver: no leader");

  // The stream without "hasleader" still delivers events.
  Commit(source_.Put("k", "after"));
  bool delivered = false;
  while (!delivered && relaxed->Read(&response)) delivered = response.events_size() == 1;
  EXPECT_TRUE(delivered);
  relaxed_context.TryCancel();
}

// Waits until `done` holds, polling; false on timeout.
template <typename Predicate>
bool WaitFor(Predicate done, absl::Duration timeout = absl::Seconds(30)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

TEST_F(WatchServiceTest, ManyWatchesOnOneStreamGetEveryEventInOrderExactlyOnce) {
  constexpr int kWatches = 100;
  constexpr int kRevisions = 300;  // 30,000 responses: more than the stream buffer holds
  grpc::ClientContext context;
  auto stream = stub_->Watch(&context);
  for (int w = 0; w < kWatches; ++w) ASSERT_TRUE(stream->Write(Create("many")));
  WatchResponse response;
  for (int w = 0; w < kWatches; ++w) {
    ASSERT_TRUE(stream->Read(&response));
    ASSERT_TRUE(response.created());
  }
  std::thread committer([&] {
    for (int i = 0; i < kRevisions; ++i) Commit(source_.Put("many", std::to_string(i)));
  });
  std::map<int64_t, int64_t> last_revision;
  int64_t events = 0;
  bool in_order = true;
  while (events < int64_t{kWatches} * kRevisions && stream->Read(&response)) {
    for (const auto& event : response.events()) {
      int64_t& last = last_revision[response.watch_id()];
      in_order &= event.kv().mod_revision() == (last == 0 ? 2 : last + 1);
      last = event.kv().mod_revision();
      ++events;
    }
  }
  committer.join();
  EXPECT_TRUE(in_order);
  EXPECT_EQ(events, int64_t{kWatches} * kRevisions);
  EXPECT_EQ(last_revision.size(), size_t{kWatches});
  // Nothing more (no duplicate) arrives: the next response is the progress answer.
  WatchRequest progress;
  progress.mutable_progress_request();
  ASSERT_TRUE(stream->Write(progress));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.watch_id(), -1);
  EXPECT_EQ(response.events_size(), 0);
  EXPECT_EQ(response.header().revision(), kRevisions + 1);
  context.TryCancel();
}

TEST_F(WatchServiceTest, LaggingWatchGetsRevisionsMergedUpToTheSizeLimit) {
  // Without BDP probing the client's window stays at 64 KiB: revisions committed
  // while the client does not read pile up in the hub and are then sent merged.
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  auto stub = etcdserverpb::Watch::NewStub(
      grpc::CreateCustomChannel(address_, grpc::InsecureChannelCredentials(), arguments));
  grpc::ClientContext context;
  auto stream = stub->Watch(&context);
  ASSERT_TRUE(stream->Write(Create("lag")));
  WatchResponse response;
  ASSERT_TRUE(stream->Read(&response));
  ASSERT_TRUE(response.created());
  constexpr int kRevisions = 1000;  // ~300 KiB of events
  for (int i = 0; i < kRevisions; ++i) Commit(source_.Put("lag", std::string(300, 'a' + i % 26)));
  int events = 0;
  int messages = 0;
  int64_t last = 1;
  bool in_order = true;
  while (events < kRevisions && stream->Read(&response)) {
    ++messages;
    if (response.events_size() > 1) EXPECT_LE(response.ByteSizeLong(), kMaxResponseBytes + 64);
    for (const auto& event : response.events()) {
      in_order &= event.kv().mod_revision() == last + 1;
      last = event.kv().mod_revision();
      ++events;
    }
    EXPECT_EQ(response.header().revision(), last);
    EXPECT_EQ(response.header().member_id(), 22u);
  }
  EXPECT_TRUE(in_order);
  EXPECT_EQ(events, kRevisions);
  EXPECT_LT(messages, kRevisions);
  context.TryCancel();
}

TEST_F(WatchServiceTest, ClientLeavingWithWritesInFlightReleasesEverything) {
  for (int round = 0; round < 5; ++round) {
    auto context = std::make_unique<grpc::ClientContext>();
    auto stream = stub_->Watch(context.get());
    for (int w = 0; w < 50; ++w) ASSERT_TRUE(stream->Write(Create("busy")));
    WatchResponse response;
    ASSERT_TRUE(stream->Read(&response));
    // Events pour in while the client goes away without reading them.
    std::thread committer([&] {
      for (int i = 0; i < 100; ++i) Commit(source_.Put("busy", std::string(1000, 'x')));
    });
    absl::SleepFor(absl::Milliseconds(round * 5));
    context->TryCancel();
    committer.join();
    stream.reset();
    context.reset();
  }
  EXPECT_TRUE(WaitFor(
      [&] { return hub_->SyncedWatcherCount() == 0 && hub_->UnsyncedWatcherCount() == 0; }));
  // The service still works afterwards.
  grpc::ClientContext context;
  auto stream = stub_->Watch(&context);
  ASSERT_TRUE(stream->Write(Create("after")));
  WatchResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_TRUE(response.created());
  context.TryCancel();
}

TEST_F(WatchServiceTest, ClientCancelEndsWithWatchCanceledStatus) {
  grpc::ClientContext context;
  auto stream = stub_->Watch(&context);
  ASSERT_TRUE(stream->Write(Create("k")));
  WatchResponse response;
  ASSERT_TRUE(stream->Read(&response));
  context.TryCancel();
  while (stream->Read(&response)) {
  }
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(WaitFor([&] { return hub_->SyncedWatcherCount() == 0; }));
}

TEST_F(WatchServiceTest, ClientThatNeverReadsStopsBeingRead) {
  // Every create queues a "created" response; a client that never reads them
  // must not make the server register (and answer) creates without bound.
  constexpr int kCreates = 100000;
  // Without BDP probing the client's receive window stays at 64 KiB, so the
  // server's writes stall after ~2,000 unread "created" responses.
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  auto stub = etcdserverpb::Watch::NewStub(
      grpc::CreateCustomChannel(address_, grpc::InsecureChannelCredentials(), arguments));
  grpc::ClientContext context;
  auto stream = stub->Watch(&context);
  std::atomic<int> written{0};
  std::thread writer([&] {
    while (written < kCreates && stream->Write(Create("flood"))) ++written;
  });
  // Wait until the server stops registering watches.
  size_t last = 0;
  absl::Time stable_since = absl::Now();
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() - stable_since < absl::Seconds(1) && absl::Now() < deadline) {
    const size_t now = hub_->SyncedWatcherCount();
    if (now != last) {
      last = now;
      stable_since = absl::Now();
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  // Registered: those read before the control buffer filled up; the rest wait
  // in gRPC's flow-control windows (a few MiB at most) or in the client's Write.
  EXPECT_LT(hub_->SyncedWatcherCount(), size_t{kCreates} / 2) << "written " << written.load();
  context.TryCancel();
  writer.join();
  EXPECT_TRUE(WaitFor([&] { return hub_->SyncedWatcherCount() == 0; }));
}

TEST_F(WatchServiceTest, ServerShutdownWithOpenStreams) {
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReaderWriter<WatchRequest, WatchResponse>>> streams;
  for (int s = 0; s < 10; ++s) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    streams.push_back(stub_->Watch(contexts.back().get()));
    ASSERT_TRUE(streams.back()->Write(Create("open")));
    WatchResponse response;
    ASSERT_TRUE(streams.back()->Read(&response));
  }
  for (int i = 0; i < 50; ++i) Commit(source_.Put("open", "v"));
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(100));
  for (auto& stream : streams) {
    WatchResponse response;
    while (stream->Read(&response)) {
    }
    EXPECT_FALSE(stream->Finish().ok());
  }
  EXPECT_EQ(hub_->SyncedWatcherCount(), 0u);
}

TEST(FragmentWatchResponseTest, SplitsLargeResponsesKeepingEveryEvent) {
  WatchResponse response;
  response.set_watch_id(5);
  for (int i = 0; i < 10; ++i) {
    auto* event = response.add_events();
    event->mutable_kv()->set_key("k" + std::to_string(i));
    event->mutable_kv()->set_value(std::string(100, 'x'));
  }
  auto fragments = FragmentWatchResponse(response, 350);
  ASSERT_GT(fragments.size(), 1u);
  int total = 0;
  for (size_t i = 0; i < fragments.size(); ++i) {
    EXPECT_EQ(fragments[i].fragment(), i + 1 < fragments.size());
    EXPECT_EQ(fragments[i].watch_id(), 5);
    for (const auto& event : fragments[i].events()) {
      EXPECT_EQ(event.kv().key(), "k" + std::to_string(total++));
    }
  }
  EXPECT_EQ(total, 10);
  EXPECT_EQ(FragmentWatchResponse(response, 1 << 20).size(), 1u);
  EXPECT_FALSE(FragmentWatchResponse(response, 1 << 20)[0].fragment());
}

}  // namespace
}  // namespace raftkv::server::watch
