#include "client/leader_watchdog.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "proto/rpc.grpc.pb.h"

namespace raftkv::client {
namespace {

using std::chrono::milliseconds;

// A member whose Status names `leader` (0: none).
class FakeMaintenance : public etcdserverpb::Maintenance::Service {
 public:
  std::atomic<uint64_t> leader{1};
  std::atomic<int> probes{0};

  grpc::Status Status(grpc::ServerContext*, const etcdserverpb::StatusRequest*,
                      etcdserverpb::StatusResponse* response) override {
    ++probes;
    response->set_leader(leader.load());
    return grpc::Status::OK;
  }
};

class LeaderWatchdogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&member_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(port, 0);
    endpoint_ = std::make_shared<Endpoint>("127.0.0.1:" + std::to_string(port), ChannelTuning());
  }
  void TearDown() override { server_->Shutdown(); }

  // Polls until `condition` holds, up to `timeout`.
  static bool Eventually(const std::function<bool()>& condition, milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(milliseconds(5));
    }
    return true;
  }

  FakeMaintenance member_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<Endpoint> endpoint_;
  const LeaderWatchdogOptions fast_{milliseconds(20), 2};
};

TEST_F(LeaderWatchdogTest, LeavesTheStreamAloneWhileTheMemberHasALeader) {
  auto stream = std::make_shared<grpc::ClientContext>();
  LeaderWatchdog watchdog(endpoint_, stream, fast_);
  ASSERT_TRUE(Eventually([&] { return member_.probes >= 5; }, milliseconds(5000)));
  EXPECT_FALSE(watchdog.fired());
}

TEST_F(LeaderWatchdogTest, CancelsTheStreamOnceTheMemberHasNoLeader) {
  auto stream = std::make_shared<grpc::ClientContext>();
  LeaderWatchdog watchdog(endpoint_, stream, fast_);
  ASSERT_TRUE(Eventually([&] { return member_.probes >= 2; }, milliseconds(5000)));
  EXPECT_FALSE(watchdog.fired());
  member_.leader = 0;
  EXPECT_TRUE(Eventually([&] { return watchdog.fired(); }, milliseconds(5000)));
}

TEST_F(LeaderWatchdogTest, LeaderlessAnswersBelowTheThresholdDoNotCancel) {
  auto stream = std::make_shared<grpc::ClientContext>();
  LeaderWatchdogOptions patient = fast_;
  patient.misses_to_cancel = 1000;
  member_.leader = 0;
  LeaderWatchdog watchdog(endpoint_, stream, patient);
  ASSERT_TRUE(Eventually([&] { return member_.probes >= 5; }, milliseconds(5000)));
  EXPECT_FALSE(watchdog.fired());
}

TEST_F(LeaderWatchdogTest, CancelsTheStreamWhenTheMemberStopsAnswering) {
  auto stream = std::make_shared<grpc::ClientContext>();
  LeaderWatchdog watchdog(endpoint_, stream, fast_);
  server_->Shutdown();
  EXPECT_TRUE(Eventually([&] { return watchdog.fired(); }, milliseconds(5000)));
}

TEST_F(LeaderWatchdogTest, ZeroIntervalDisablesIt) {
  auto stream = std::make_shared<grpc::ClientContext>();
  member_.leader = 0;
  {
    LeaderWatchdog watchdog(endpoint_, stream, LeaderWatchdogOptions{milliseconds(0), 1});
    EXPECT_FALSE(watchdog.fired());
  }
  EXPECT_EQ(member_.probes, 0);
}

}  // namespace
}  // namespace raftkv::client
