#include "server/lease/keep_alive_forwarder.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "proto/rpc.grpc.pb.h"

namespace raftkv::server::lease {
namespace {

// A leader stand-in: answers keep-alives of lease ids below 1000 with TTL
// 10 + id, others with TTL 0, in order; counts the streams it served.
class FakeLeaderLease final : public etcdserverpb::Lease::Service {
 public:
  grpc::Status LeaseKeepAlive(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<etcdserverpb::LeaseKeepAliveResponse,
                               etcdserverpb::LeaseKeepAliveRequest>* stream) override {
    streams.fetch_add(1);
    etcdserverpb::LeaseKeepAliveRequest request;
    while (stream->Read(&request)) {
      if (end_streams.load()) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "going away");
      etcdserverpb::LeaseKeepAliveResponse response;
      response.set_id(request.id());
      response.set_ttl(request.id() < 1000 ? 10 + request.id() : 0);
      if (!stream->Write(response)) break;
    }
    return context->IsCancelled() ? grpc::Status::CANCELLED : grpc::Status::OK;
  }

  std::atomic<int> streams{0};
  std::atomic<bool> end_streams{false};
};

struct FakeLeader {
  FakeLeader() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service);
    server = builder.BuildAndStart();
    channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                  grpc::InsecureChannelCredentials());
  }
  ~FakeLeader() { server->Shutdown(std::chrono::system_clock::now()); }

  int port = 0;
  FakeLeaderLease service;
  std::unique_ptr<grpc::Server> server;
  std::shared_ptr<grpc::Channel> channel;
};

TEST(KeepAliveForwarderTest, ConcurrentRenewalsShareOneStreamAndGetTheirOwnAnswers) {
  FakeLeader leader;
  KeepAliveForwarder forwarder([&] { return leader.channel; });
  std::vector<std::thread> callers;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const int64_t id = t * 100 + i;
        absl::StatusOr<int64_t> ttl = forwarder.Renew(id);
        if (!ttl.ok() || *ttl != 10 + id) wrong.fetch_add(1);
      }
    });
  }
  for (auto& c : callers) c.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(leader.service.streams.load(), 1);
}

TEST(KeepAliveForwarderTest, TtlZeroIsLeaseNotFound) {
  FakeLeader leader;
  KeepAliveForwarder forwarder([&] { return leader.channel; });
  absl::StatusOr<int64_t> ttl = forwarder.Renew(5000);
  ASSERT_FALSE(ttl.ok());
  EXPECT_EQ(ttl.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(*forwarder.Renew(1), 11);  // the stream survives a NotFound answer
  EXPECT_EQ(leader.service.streams.load(), 1);
}

TEST(KeepAliveForwarderTest, AStreamTheLeaderEndedIsReplaced) {
  FakeLeader leader;
  KeepAliveForwarder forwarder([&] { return leader.channel; });
  ASSERT_TRUE(forwarder.Renew(1).ok());
  leader.service.end_streams = true;
  absl::StatusOr<int64_t> failed = forwarder.Renew(2);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  leader.service.end_streams = false;
  // The broken stream is dropped; the next renewal opens a new one.
  absl::StatusOr<int64_t> renewed = forwarder.Renew(3);
  for (int i = 0; i < 50 && !renewed.ok(); ++i) renewed = forwarder.Renew(3);
  ASSERT_TRUE(renewed.ok()) << renewed.status();
  EXPECT_EQ(*renewed, 13);
  EXPECT_EQ(leader.service.streams.load(), 2);
}

TEST(KeepAliveForwarderTest, FollowsTheLeaderToANewChannel) {
  FakeLeader first;
  FakeLeader second;
  std::atomic<bool> moved{false};
  KeepAliveForwarder forwarder([&] { return moved ? second.channel : first.channel; });
  ASSERT_TRUE(forwarder.Renew(1).ok());
  moved = true;
  ASSERT_TRUE(forwarder.Renew(2).ok());
  EXPECT_EQ(first.service.streams.load(), 1);
  EXPECT_EQ(second.service.streams.load(), 1);
}

TEST(KeepAliveForwarderTest, NoLeaderIsReportedAsIs) {
  KeepAliveForwarder forwarder([]() -> absl::StatusOr<std::shared_ptr<grpc::Channel>> {
    return absl::UnavailableError("etcdserver: no leader");
  });
  absl::StatusOr<int64_t> ttl = forwarder.Renew(1);
  ASSERT_FALSE(ttl.ok());
  EXPECT_EQ(ttl.status().message(), "etcdserver: no leader");
}

TEST(KeepAliveForwarderTest, ASilentLeaderTimesOut) {
  // A port nobody answers on: the call never completes.
  auto channel = grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
  KeepAliveForwarder forwarder([&] { return channel; }, absl::Milliseconds(200));
  absl::StatusOr<int64_t> ttl = forwarder.Renew(1);
  ASSERT_FALSE(ttl.ok());
  EXPECT_TRUE(ttl.status().code() == absl::StatusCode::kDeadlineExceeded ||
              ttl.status().code() == absl::StatusCode::kUnavailable)
      << ttl.status();
}

}  // namespace
}  // namespace raftkv::server::lease
