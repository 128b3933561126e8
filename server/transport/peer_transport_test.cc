#include "server/transport/peer_transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "proto/peer.grpc.pb.h"
#include "server/transport/cluster_info_client.h"
#include "server/transport/peer_server.h"
#include "server/transport/peer_service.h"

namespace raftkv::transport {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

constexpr auto kDeadline = seconds(15);

// Records everything the transport reports, and lets tests wait for a condition on it.
class RecordingHandler : public MessageHandler {
 public:
  void OnMessages(std::vector<raftpb::Message> messages) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++batches_;
      for (auto& message : messages) received_[message.from()].push_back(std::move(message));
    }
    cv_.notify_all();
  }
  void OnSnapshot(raftpb::Message message, std::string path) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      snapshots_.emplace_back(std::move(message), std::move(path));
    }
    cv_.notify_all();
  }
  void OnUnreachable(uint64_t peer) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++unreachable_[peer];
      if (std::this_thread::get_id() == caller_thread_) ++unreachable_on_caller_[peer];
    }
    cv_.notify_all();
  }
  void OnSnapshotStatus(uint64_t peer, bool ok) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      snapshot_statuses_.emplace_back(peer, ok);
    }
    cv_.notify_all();
  }

  // Waits until `condition` (evaluated under the lock) holds; false on timeout.
  bool WaitUntil(const std::function<bool()>& condition, milliseconds timeout = kDeadline) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, condition);
  }

  // Calls made on this thread (the test's) are counted separately: they come from Send().
  void set_caller_thread(std::thread::id id) {
    std::lock_guard<std::mutex> lock(mu_);
    caller_thread_ = id;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::thread::id caller_thread_;
  int batches_ = 0;
  std::map<uint64_t, std::vector<raftpb::Message>> received_;
  std::vector<std::pair<raftpb::Message, std::string>> snapshots_;
  std::map<uint64_t, int> unreachable_;
  std::map<uint64_t, int> unreachable_on_caller_;
  std::vector<std::pair<uint64_t, bool>> snapshot_statuses_;
};

raftpb::Message AppendMessage(uint64_t from, uint64_t to, uint64_t index,
                              size_t payload_bytes = 8) {
  raftpb::Message message;
  message.set_type(raftpb::MSG_APP);
  message.set_from(from);
  message.set_to(to);
  message.set_term(3);
  message.set_index(index);
  raftpb::Entry* entry = message.add_entries();
  entry->set_term(3);
  entry->set_index(index + 1);
  entry->set_data(std::string(payload_bytes, static_cast<char>('a' + index % 26)));
  return message;
}

std::string MakeTempDir() {
  std::string pattern = ::testing::TempDir() + "/transport-XXXXXX";
  char* dir = ::mkdtemp(pattern.data());
  EXPECT_NE(dir, nullptr);
  return pattern;
}

std::string Url(int port) { return absl::StrCat("http://127.0.0.1:", port); }

// A port on which nothing listens: connections are refused.
int ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// A TCP listener that never accepts and never speaks HTTP/2: the kernel completes the
// handshake, so a gRPC channel hangs in CONNECTING — like a frozen peer.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    socklen_t length = sizeof(address);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_;
  int port_;
};

// One member: its receiving service and server, and its sending transport.
class Member {
 public:
  explicit Member(uint64_t id, PeerTransportOptions options = {})
      : id_(id), snapshot_dir_(MakeTempDir()), transport_(id, &handler_, options) {
    PeerServiceOptions service_options;
    service_options.snapshot_dir = snapshot_dir_;
    service_ = std::make_unique<PeerService>(&handler_, service_options);
    StartServer(0);
  }
  ~Member() {
    transport_.Stop();
    StopServer();
    std::filesystem::remove_all(snapshot_dir_);
  }

  void StartServer(int port) {
    auto server = StartPeerServer(Url(port), service_.get(), &port_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  void StopServer() {
    if (server_ == nullptr) return;
    ShutdownPeerServer(server_.get());
    server_.reset();
  }
  void Connect(Member& other) { ASSERT_TRUE(transport_.AddPeer(other.id(), {other.url()}).ok()); }

  uint64_t id() const { return id_; }
  int port() const { return port_; }
  std::string url() const { return Url(port_); }
  const std::string& snapshot_dir() const { return snapshot_dir_; }
  RecordingHandler& handler() { return handler_; }
  PeerTransport& transport() { return transport_; }

 private:
  const uint64_t id_;
  const std::string snapshot_dir_;
  RecordingHandler handler_;
  std::unique_ptr<PeerService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  PeerTransport transport_;
};

// Like a raft leader, sends a message to `to` every 20 ms (outside the handler's lock, since
// Send() may call the handler) until `condition` holds on `observer`; false after kDeadline.
bool KeepSendingUntil(PeerTransport& transport, RecordingHandler& observer, uint64_t to,
                      uint64_t* next_index, const std::function<bool()>& condition) {
  const auto deadline = steady_clock::now() + kDeadline;
  while (steady_clock::now() < deadline) {
    transport.Send({AppendMessage(1, to, (*next_index)++)});
    if (observer.WaitUntil(condition, milliseconds(20))) return true;
  }
  return false;
}

// True when `messages` hold indexes first, first+1, ... in order.
bool ConsecutiveFrom(const std::vector<raftpb::Message>& messages, uint64_t first) {
  for (size_t i = 0; i < messages.size(); ++i) {
    if (messages[i].index() != first + i) return false;
  }
  return true;
}

TEST(PeerTransportTest, ThreeMembersExchangeMessagesInOrderPerPeer) {
  std::vector<std::unique_ptr<Member>> members;
  for (uint64_t id = 1; id <= 3; ++id) members.push_back(std::make_unique<Member>(id));
  for (auto& from : members) {
    for (auto& to : members) from->Connect(*to);  // Connecting to self is a no-op.
  }
  constexpr int kMessages = 300;
  for (int index = 1; index <= kMessages; ++index) {
    for (auto& from : members) {
      std::vector<raftpb::Message> messages;
      for (auto& to : members) {
        if (to != from) messages.push_back(AppendMessage(from->id(), to->id(), index));
      }
      from->transport().Send(std::move(messages));
    }
  }
  for (auto& to : members) {
    RecordingHandler& handler = to->handler();
    ASSERT_TRUE(handler.WaitUntil([&] {
      for (auto& from : members) {
        if (from != to && handler.received_[from->id()].size() < kMessages) return false;
      }
      return true;
    })) << "member "
        << to->id();
    std::lock_guard<std::mutex> lock(handler.mu_);
    EXPECT_EQ(handler.received_.count(to->id()), 0u);
    for (auto& [from, messages] : handler.received_) {
      EXPECT_EQ(messages.size(), static_cast<size_t>(kMessages));
      EXPECT_TRUE(ConsecutiveFrom(messages, 1)) << "from " << from << " to " << to->id();
      EXPECT_EQ(messages.back().to(), to->id());
      EXPECT_EQ(messages.back().entries(0).data(), std::string(8, 'a' + kMessages % 26));
    }
  }
}

TEST(PeerTransportTest, QueuedMessagesCoalesceIntoOneBatch) {
  Member a(1), b(2);
  a.Connect(b);
  a.transport().Send({AppendMessage(1, 2, 0)});
  ASSERT_TRUE(b.handler().WaitUntil([&] { return b.handler().received_[1].size() == 1; }));
  const int batches_before = b.handler().batches_;

  std::vector<raftpb::Message> messages;
  for (int index = 1; index <= 1000; ++index) messages.push_back(AppendMessage(1, 2, index));
  a.transport().Send(std::move(messages));
  ASSERT_TRUE(b.handler().WaitUntil([&] { return b.handler().received_[1].size() == 1001; }));
  std::lock_guard<std::mutex> lock(b.handler().mu_);
  EXPECT_EQ(b.handler().batches_, batches_before + 1);
  EXPECT_TRUE(ConsecutiveFrom(b.handler().received_[1], 0));
}

TEST(PeerTransportTest, ManySmallSendsArriveInOrderInFewerBatches) {
  PeerTransportOptions options;
  options.max_queued_messages_per_peer = 100000;
  Member a(1, options), b(2);
  a.Connect(b);
  constexpr int kMessages = 5000;
  for (int index = 1; index <= kMessages; ++index) a.transport().Send({AppendMessage(1, 2, index)});
  ASSERT_TRUE(b.handler().WaitUntil([&] { return b.handler().received_[1].size() == kMessages; }));
  std::lock_guard<std::mutex> lock(b.handler().mu_);
  EXPECT_TRUE(ConsecutiveFrom(b.handler().received_[1], 1));
  EXPECT_LT(b.handler().batches_, kMessages);
}

TEST(PeerTransportTest, LargeBatchesAreSplitByBytes) {
  PeerTransportOptions options;
  options.max_batch_bytes = 1 << 20;
  Member a(1, options), b(2);
  a.Connect(b);
  std::vector<raftpb::Message> messages;
  for (int index = 1; index <= 40; ++index) {
    messages.push_back(AppendMessage(1, 2, index, /*payload_bytes=*/100 * 1024));
  }
  a.transport().Send(std::move(messages));
  ASSERT_TRUE(b.handler().WaitUntil([&] { return b.handler().received_[1].size() == 40; }));
  std::lock_guard<std::mutex> lock(b.handler().mu_);
  EXPECT_GE(b.handler().batches_, 4);  // 4 MB of payload in batches of about 1 MB.
  EXPECT_TRUE(ConsecutiveFrom(b.handler().received_[1], 1));
}

TEST(PeerTransportTest, MessagesToUnknownPeersAreDropped) {
  Member a(1), b(2);
  a.Connect(b);
  a.transport().Send({AppendMessage(1, 99, 1), AppendMessage(1, 2, 1)});
  ASSERT_TRUE(b.handler().WaitUntil([&] { return b.handler().received_[1].size() == 1; }));
  std::lock_guard<std::mutex> lock(a.handler().mu_);
  EXPECT_TRUE(a.handler().unreachable_.empty());
}

TEST(PeerTransportTest, ReconnectsAfterPeerServerRestarts) {
  Member a(1), b(2);
  a.Connect(b);
  uint64_t index = 1;
  a.transport().Send({AppendMessage(1, 2, index++)});
  ASSERT_TRUE(b.handler().WaitUntil([&] { return b.handler().received_[1].size() == 1; }));

  b.StopServer();
  // Raft keeps sending heartbeats and appends; the transport must report the peer down.
  ASSERT_TRUE(KeepSendingUntil(a.transport(), a.handler(), 2, &index,
                               [&] { return a.handler().unreachable_[2] > 0; }));

  b.StartServer(b.port());
  ASSERT_TRUE(KeepSendingUntil(a.transport(), b.handler(), 2, &index, [&] {
    return b.handler().received_[1].size() > 1;
  })) << "no message arrived after the restart";
  uint64_t first_after_restart;
  {
    std::lock_guard<std::mutex> lock(b.handler().mu_);
    first_after_restart = b.handler().received_[1][1].index();
  }

  const uint64_t burst_start = index;
  std::vector<raftpb::Message> burst;
  for (int i = 0; i < 100; ++i) burst.push_back(AppendMessage(1, 2, index++));
  a.transport().Send(std::move(burst));
  ASSERT_TRUE(b.handler().WaitUntil([&] {
    return !b.handler().received_[1].empty() &&
           b.handler().received_[1].back().index() == index - 1;
  }));
  std::lock_guard<std::mutex> lock(b.handler().mu_);
  const auto& received = b.handler().received_[1];
  // Everything after the first post-restart message arrived, in order, with no gaps.
  std::vector<raftpb::Message> tail(received.begin() + 1, received.end());
  EXPECT_TRUE(ConsecutiveFrom(tail, first_after_restart));
  EXPECT_GE(tail.back().index(), burst_start + 99);
}

TEST(PeerTransportTest, FullQueueDropsAndReportsUnreachableOnce) {
  SilentListener frozen_peer;
  PeerTransportOptions options;
  options.max_queued_messages_per_peer = 16;
  options.connect_timeout = seconds(60);  // Only the overflow may report here.
  RecordingHandler handler;
  handler.set_caller_thread(std::this_thread::get_id());
  PeerTransport transport(1, &handler, options);
  ASSERT_TRUE(transport.AddPeer(2, {Url(frozen_peer.port())}).ok());

  std::vector<raftpb::Message> messages;
  for (int index = 1; index <= 100; ++index) messages.push_back(AppendMessage(1, 2, index));
  transport.Send(messages);
  {
    std::lock_guard<std::mutex> lock(handler.mu_);
    EXPECT_EQ(handler.unreachable_on_caller_[2], 1);
  }
  transport.Send(messages);  // Same overflow episode: no second report.
  {
    std::lock_guard<std::mutex> lock(handler.mu_);
    EXPECT_EQ(handler.unreachable_on_caller_[2], 1);
  }
  const auto start = steady_clock::now();
  transport.Stop();
  EXPECT_LT(steady_clock::now() - start, seconds(2));
}

TEST(PeerTransportTest, UnreachablePeerIsReportedAndMessagesDropped) {
  RecordingHandler handler;
  PeerTransport transport(1, &handler);
  ASSERT_TRUE(transport.AddPeer(2, {Url(ClosedPort())}).ok());
  uint64_t index = 1;
  ASSERT_TRUE(
      KeepSendingUntil(transport, handler, 2, &index, [&] { return handler.unreachable_[2] > 0; }));
}

TEST(PeerTransportTest, UpdatePeerSwitchesToTheNewUrl) {
  Member a(1), b(2);
  ASSERT_TRUE(a.transport().AddPeer(2, {Url(ClosedPort())}).ok());
  EXPECT_FALSE(a.transport().UpdatePeer(7, {b.url()}).ok());
  ASSERT_TRUE(a.transport().UpdatePeer(2, {b.url()}).ok());
  uint64_t index = 1;
  EXPECT_TRUE(KeepSendingUntil(a.transport(), b.handler(), 2, &index,
                               [&] { return !b.handler().received_[1].empty(); }));
}

TEST(PeerTransportTest, RemovedPeerGetsNoMoreMessages) {
  Member a(1), b(2);
  a.Connect(b);
  a.transport().Send({AppendMessage(1, 2, 1)});
  ASSERT_TRUE(b.handler().WaitUntil([&] { return b.handler().received_[1].size() == 1; }));
  a.transport().RemovePeer(2);
  EXPECT_FALSE(a.transport().HasPeer(2));
  a.transport().Send({AppendMessage(1, 2, 2)});
  // Prove the absence against a later event: a message re-added afterwards arrives alone.
  a.Connect(b);
  a.transport().Send({AppendMessage(1, 2, 3)});
  ASSERT_TRUE(b.handler().WaitUntil([&] { return b.handler().received_[1].size() == 2; }));
  std::lock_guard<std::mutex> lock(b.handler().mu_);
  EXPECT_EQ(b.handler().received_[1][1].index(), 3u);
}

std::string RandomBytes(size_t size) {
  std::mt19937_64 random(size);
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; i += 8) {
    const uint64_t word = random();
    std::memcpy(&bytes[i], &word, std::min<size_t>(8, size - i));
  }
  return bytes;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

raftpb::Message SnapshotMessage(uint64_t from, uint64_t to) {
  raftpb::Message message;
  message.set_type(raftpb::MSG_SNAP);
  message.set_from(from);
  message.set_to(to);
  message.set_term(7);
  message.mutable_snapshot()->set_data("inline data is not sent");
  message.mutable_snapshot()->mutable_metadata()->set_index(42);
  message.mutable_snapshot()->mutable_metadata()->set_term(6);
  message.mutable_snapshot()->mutable_metadata()->mutable_conf_state()->add_voters(1);
  message.mutable_snapshot()->mutable_metadata()->mutable_conf_state()->add_voters(2);
  return message;
}

class SnapshotSizeTest : public ::testing::TestWithParam<size_t> {};

TEST_P(SnapshotSizeTest, SnapshotFileArrivesByteIdentical) {
  Member a(1), b(2);
  a.Connect(b);
  const std::string contents = RandomBytes(GetParam());
  const std::string source = a.snapshot_dir() + "/outgoing.snap";
  std::ofstream(source, std::ios::binary) << contents;

  a.transport().SendSnapshot(SnapshotMessage(1, 2), source);
  ASSERT_TRUE(a.handler().WaitUntil([&] { return !a.handler().snapshot_statuses_.empty(); }));
  {
    std::lock_guard<std::mutex> lock(a.handler().mu_);
    EXPECT_EQ(a.handler().snapshot_statuses_[0], std::make_pair(uint64_t{2}, true));
  }
  // The receiver reports before acknowledging, so it is already recorded.
  std::lock_guard<std::mutex> lock(b.handler().mu_);
  ASSERT_EQ(b.handler().snapshots_.size(), 1u);
  const auto& [message, path] = b.handler().snapshots_[0];
  EXPECT_EQ(message.type(), raftpb::MSG_SNAP);
  EXPECT_EQ(message.from(), 1u);
  EXPECT_EQ(message.term(), 7u);
  EXPECT_EQ(message.snapshot().metadata().index(), 42u);
  EXPECT_EQ(message.snapshot().metadata().conf_state().voters_size(), 2);
  EXPECT_TRUE(message.snapshot().data().empty());
  EXPECT_EQ(std::filesystem::path(path).parent_path(), std::filesystem::path(b.snapshot_dir()));
  EXPECT_TRUE(ReadFile(path) == contents) << "received file differs";
  for (const auto& entry : std::filesystem::directory_iterator(b.snapshot_dir())) {
    EXPECT_NE(entry.path().extension(), ".part") << entry.path();
  }
}

INSTANTIATE_TEST_SUITE_P(Sizes, SnapshotSizeTest,
                         ::testing::Values(size_t{0}, size_t{2} << 20, (size_t{5} << 20) + 123));

TEST(PeerTransportTest, SnapshotToDownPeerFails) {
  RecordingHandler handler;
  PeerTransport transport(1, &handler);
  ASSERT_TRUE(transport.AddPeer(2, {Url(ClosedPort())}).ok());
  const std::string dir = MakeTempDir();
  std::ofstream(dir + "/s.snap") << "data";
  transport.SendSnapshot(SnapshotMessage(1, 2), dir + "/s.snap");
  ASSERT_TRUE(handler.WaitUntil([&] { return !handler.snapshot_statuses_.empty(); }));
  std::lock_guard<std::mutex> lock(handler.mu_);
  EXPECT_EQ(handler.snapshot_statuses_[0], std::make_pair(uint64_t{2}, false));
  std::filesystem::remove_all(dir);
}

TEST(PeerTransportTest, SnapshotToUnknownPeerFails) {
  RecordingHandler handler;
  PeerTransport transport(1, &handler);
  transport.SendSnapshot(SnapshotMessage(1, 5), "/nonexistent");
  std::lock_guard<std::mutex> lock(handler.mu_);
  ASSERT_EQ(handler.snapshot_statuses_.size(), 1u);
  EXPECT_EQ(handler.snapshot_statuses_[0], std::make_pair(uint64_t{5}, false));
}

TEST(PeerServiceTest, AbortedSnapshotLeavesNoFile) {
  Member b(2);
  auto stub = peerpb::RaftPeer::NewStub(grpc::CreateChannel(absl::StrCat("127.0.0.1:", b.port()),
                                                            grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  peerpb::SendAck ack;
  auto writer = stub->SendSnapshot(&context, &ack);
  peerpb::SnapshotChunk chunk;
  *chunk.mutable_message() = SnapshotMessage(1, 2);
  chunk.set_data("partial");
  ASSERT_TRUE(writer->Write(chunk));
  writer->WritesDone();  // Ends the stream without a last chunk.
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::ABORTED);
  EXPECT_TRUE(std::filesystem::is_empty(b.snapshot_dir()));
  std::lock_guard<std::mutex> lock(b.handler().mu_);
  EXPECT_TRUE(b.handler().snapshots_.empty());
}

TEST(PeerServiceTest, GetClusterInfoAnswersFromTheServer) {
  RecordingHandler handler;
  PeerServiceOptions options;
  options.cluster_info = [] {
    peerpb::ClusterInfo info;
    info.set_cluster_id(0xabc);
    info.add_members()->set_name("infra1");
    return absl::StatusOr<peerpb::ClusterInfo>(info);
  };
  PeerService service(&handler, options);
  int port = 0;
  auto server = StartPeerServer("http://127.0.0.1:0", &service, &port);
  ASSERT_TRUE(server.ok()) << server.status();
  // The first URL is down: the next one answers.
  absl::StatusOr<peerpb::ClusterInfo> info =
      FetchClusterInfo({Url(ClosedPort()), Url(port)}, milliseconds(500));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->cluster_id(), 0xabcu);
  EXPECT_EQ(info->members(0).name(), "infra1");
  ShutdownPeerServer(server->get());
}

TEST(PeerServiceTest, GetClusterInfoWithoutProviderIsUnimplemented) {
  Member b(2);
  absl::StatusOr<peerpb::ClusterInfo> info = FetchClusterInfo({b.url()});
  EXPECT_EQ(info.status().code(), absl::StatusCode::kUnimplemented);
}

TEST(PeerServiceTest, FetchClusterInfoFromNoReachableMemberFails) {
  EXPECT_FALSE(FetchClusterInfo({Url(ClosedPort())}, milliseconds(200)).ok());
  EXPECT_FALSE(FetchClusterInfo({}).ok());
}

TEST(PeerTransportTest, StopIsPromptWhilePeersAreUnreachable) {
  SilentListener frozen_peer;
  const int closed_port = ClosedPort();
  RecordingHandler handler;
  PeerTransport transport(1, &handler);
  ASSERT_TRUE(transport.AddPeer(2, {Url(frozen_peer.port())}).ok());
  ASSERT_TRUE(transport.AddPeer(3, {Url(closed_port)}).ok());
  const std::string dir = MakeTempDir();
  std::ofstream(dir + "/s.snap") << RandomBytes(3 << 20);
  transport.SendSnapshot(SnapshotMessage(1, 2), dir + "/s.snap");
  for (int index = 1; index <= 100; ++index) {
    transport.Send({AppendMessage(1, 2, index), AppendMessage(1, 3, index)});
  }
  // Let both senders get into their connect attempts.
  ASSERT_TRUE(handler.WaitUntil([&] { return handler.unreachable_[3] > 0; }));

  const auto start = steady_clock::now();
  transport.Stop();
  EXPECT_LT(steady_clock::now() - start, seconds(2));
  transport.Send({AppendMessage(1, 2, 1000)});  // No-op after Stop().
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace raftkv::transport
