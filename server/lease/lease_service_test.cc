#include "server/lease/lease_service.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <filesystem>
#include <utility>

#include "gtest/gtest.h"

namespace raftkv::server::lease {
namespace {

// A single-member backend: "proposing" is applying to the lessor at once.
class DirectBackend : public LeaseBackend {
 public:
  explicit DirectBackend(Lessor* lessor) : lessor_(lessor) {}
  etcdserverpb::ResponseHeader Header() override {
    etcdserverpb::ResponseHeader header;
    header.set_member_id(7);
    return header;
  }
  void Grant(const etcdserverpb::LeaseGrantRequest& request, GrantDone done) override {
    auto granted = lessor_->Grant(request.id(), request.ttl(), ++index_);
    if (!granted.ok()) return done(granted.status());
    etcdserverpb::LeaseGrantResponse response;
    *response.mutable_header() = Header();
    response.set_id(granted->id);
    response.set_ttl(granted->ttl);
    done(std::move(response));
  }
  absl::StatusOr<etcdserverpb::LeaseRevokeResponse> Revoke(
      const etcdserverpb::LeaseRevokeRequest& request) override {
    absl::Status revoked = lessor_->Revoke(request.id(), ++index_);
    if (!revoked.ok()) return revoked;
    etcdserverpb::LeaseRevokeResponse response;
    *response.mutable_header() = Header();
    return response;
  }
  absl::StatusOr<int64_t> Renew(int64_t id) override { return lessor_->Renew(id); }
  absl::StatusOr<etcdserverpb::LeaseTimeToLiveResponse> TimeToLive(
      const etcdserverpb::LeaseTimeToLiveRequest& request) override {
    return lessor_->TimeToLive(request.id(), request.keys());
  }

 private:
  Lessor* lessor_;
  std::atomic<uint64_t> index_{0};  // gRPC handler threads grant concurrently
};

class LeaseServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string path = ::testing::TempDir() + "/lease_service_" +
                             ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(path);
    auto store = LeaseStore::Open({path, false});
    ASSERT_TRUE(store.ok());
    LessorOptions options;
    options.min_ttl_seconds = 2;
    auto lessor = Lessor::Open(std::move(*store), &clock_, options);
    ASSERT_TRUE(lessor.ok());
    lessor_ = std::move(*lessor);
    lessor_->Promote(absl::ZeroDuration());
    backend_ = std::make_unique<DirectBackend>(lessor_.get());
    service_ = std::make_unique<LeaseService>(lessor_.get(), backend_.get());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    stub_ = etcdserverpb::Lease::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                             grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }

  etcdserverpb::LeaseGrantResponse Grant(int64_t id, int64_t ttl, grpc::Status* status) {
    grpc::ClientContext context;
    etcdserverpb::LeaseGrantRequest request;
    request.set_id(id);
    request.set_ttl(ttl);
    etcdserverpb::LeaseGrantResponse response;
    *status = stub_->LeaseGrant(&context, request, &response);
    return response;
  }

  FakeClock clock_;
  std::unique_ptr<Lessor> lessor_;
  std::unique_ptr<DirectBackend> backend_;
  std::unique_ptr<LeaseService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<etcdserverpb::Lease::Stub> stub_;
};

TEST_F(LeaseServiceTest, GrantPicksPositiveIdAndRaisesTtl) {
  grpc::Status status;
  auto granted = Grant(0, 1, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(granted.id(), 0);
  EXPECT_EQ(granted.ttl(), 2);
  EXPECT_EQ(granted.header().member_id(), 7u);

  Grant(granted.id(), 10, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(), "etcdserver: lease already exists");
}

TEST_F(LeaseServiceTest, TimeToLiveWithKeysAndUnknownLease) {
  grpc::Status status;
  Grant(5, 60, &status);
  ASSERT_TRUE(lessor_->Attach(5, "key").ok());
  clock_.Advance(absl::Seconds(10));
  grpc::ClientContext context;
  etcdserverpb::LeaseTimeToLiveRequest request;
  request.set_id(5);
  request.set_keys(true);
  etcdserverpb::LeaseTimeToLiveResponse response;
  ASSERT_TRUE(stub_->LeaseTimeToLive(&context, request, &response).ok());
  EXPECT_EQ(response.ttl(), 50);
  EXPECT_EQ(response.grantedttl(), 60);
  ASSERT_EQ(response.keys_size(), 1);
  EXPECT_EQ(response.keys(0), "key");

  grpc::ClientContext unknown_context;
  request.set_id(99);
  ASSERT_TRUE(stub_->LeaseTimeToLive(&unknown_context, request, &response).ok());
  EXPECT_EQ(response.id(), 99);
  EXPECT_EQ(response.ttl(), -1);
}

TEST_F(LeaseServiceTest, KeepAliveRenewsAndReportsZeroForUnknown) {
  grpc::Status status;
  Grant(5, 30, &status);
  clock_.Advance(absl::Seconds(20));
  grpc::ClientContext context;
  auto stream = stub_->LeaseKeepAlive(&context);
  etcdserverpb::LeaseKeepAliveRequest request;
  etcdserverpb::LeaseKeepAliveResponse response;
  request.set_id(5);
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.id(), 5);
  EXPECT_EQ(response.ttl(), 30);
  EXPECT_EQ(lessor_->TimeToLive(5, false)->ttl(), 30);
  request.set_id(6);
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.id(), 6);
  EXPECT_EQ(response.ttl(), 0);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(LeaseServiceTest, RevokeAndLeases) {
  grpc::Status status;
  Grant(1, 30, &status);
  Grant(2, 30, &status);
  {
    grpc::ClientContext context;
    etcdserverpb::LeaseLeasesResponse response;
    ASSERT_TRUE(stub_->LeaseLeases(&context, {}, &response).ok());
    EXPECT_EQ(response.leases_size(), 2);
  }
  etcdserverpb::LeaseRevokeRequest revoke;
  revoke.set_id(1);
  etcdserverpb::LeaseRevokeResponse revoked;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->LeaseRevoke(&context, revoke, &revoked).ok());
  }
  {
    grpc::ClientContext context;
    grpc::Status again = stub_->LeaseRevoke(&context, revoke, &revoked);
    EXPECT_EQ(again.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(again.error_message(), "etcdserver: requested lease not found");
  }
  grpc::ClientContext context;
  etcdserverpb::LeaseLeasesResponse response;
  ASSERT_TRUE(stub_->LeaseLeases(&context, {}, &response).ok());
  ASSERT_EQ(response.leases_size(), 1);
  EXPECT_EQ(response.leases(0).id(), 2);
}

}  // namespace
}  // namespace raftkv::server::lease
