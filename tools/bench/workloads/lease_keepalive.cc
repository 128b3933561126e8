// lease-keepalive: Prepare grants one lease per client and opens one
// LeaseKeepAlive stream per client; each op sends a keep-alive and waits for
// its answer, so the latency is one keep-alive round trip.
#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <mutex>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/bench/workload_registry.h"

namespace raftkv::bench {
namespace {

using KeepAliveReactor = grpc::ClientBidiReactor<etcdserverpb::LeaseKeepAliveRequest,
                                                 etcdserverpb::LeaseKeepAliveResponse>;

// One client's keep-alive stream. Only one keep-alive is in flight at a time,
// so `pending_` is handed from StartOp to OnReadDone without racing.
class KeepAliveStream : public KeepAliveReactor {
 public:
  KeepAliveStream(etcdserverpb::Lease::Stub* stub, int64_t lease_id) {
    request_.set_id(lease_id);
    stub->async()->LeaseKeepAlive(&context_, this);
    StartRead(&response_);
    StartCall();
  }

  void KeepAlive(OpDone done) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      // Once the stream has failed gRPC delivers no more callbacks, so the op
      // must fail here or it would never complete.
      if (broken_) {
        lock.unlock();
        done(absl::UnavailableError("keep-alive stream broken"));
        return;
      }
      pending_ = std::move(done);
      // The answer to the previous keep-alive can arrive before gRPC reports
      // its write done; a second StartWrite then would be API misuse, so the
      // write is deferred to OnWriteDone.
      if (write_in_flight_) {
        write_deferred_ = true;
        return;
      }
      write_in_flight_ = true;
    }
    StartWrite(&request_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Fail(absl::UnavailableError("keep-alive stream broken (write)"));
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      write_in_flight_ = write_deferred_;
      if (!write_deferred_) return;
      write_deferred_ = false;
    }
    StartWrite(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      Fail(absl::UnavailableError("keep-alive stream broken (read)"));
      return;
    }
    const bool alive = response_.ttl() > 0;
    OpDone done = TakePending();
    StartRead(&response_);
    if (done) done(alive ? absl::OkStatus() : absl::NotFoundError("lease expired"));
  }

  void OnDone(const grpc::Status& status) override {
    Fail(absl::UnavailableError("keep-alive stream ended: " + status.error_message()));
    std::lock_guard<std::mutex> lock(mu_);
    finished_ = true;
    finished_cv_.notify_all();
  }

  void Close() {
    context_.TryCancel();
    std::unique_lock<std::mutex> lock(mu_);
    finished_cv_.wait_for(lock, std::chrono::seconds(5), [this] { return finished_; });
  }

 private:
  OpDone TakePending() {
    std::lock_guard<std::mutex> lock(mu_);
    OpDone done = std::move(pending_);
    pending_ = nullptr;
    return done;
  }

  void Fail(const absl::Status& status) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      broken_ = true;
    }
    if (OpDone done = TakePending()) done(status);
  }

  grpc::ClientContext context_;
  etcdserverpb::LeaseKeepAliveRequest request_;
  etcdserverpb::LeaseKeepAliveResponse response_;
  std::mutex mu_;
  std::condition_variable finished_cv_;
  OpDone pending_;
  bool finished_ = false;
  bool write_in_flight_ = false;
  bool broken_ = false;
  bool write_deferred_ = false;
};

class LeaseKeepAliveWorkload : public Workload {
 public:
  explicit LeaseKeepAliveWorkload(const WorkloadEnv& env) : env_(env) {}

  absl::Status Prepare() override {
    for (int c = 0; c < env_.options->clients; ++c) {
      Connection& conn = env_.pool->ForClient(c);
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      etcdserverpb::LeaseGrantRequest request;
      request.set_ttl(env_.options->lease_ttl);
      etcdserverpb::LeaseGrantResponse response;
      grpc::Status status = conn.lease->LeaseGrant(&context, request, &response);
      if (!status.ok()) {
        return absl::UnavailableError(absl::StrCat("LeaseGrant: ", status.error_message()));
      }
      streams_.push_back(std::make_unique<KeepAliveStream>(conn.lease.get(), response.id()));
    }
    return absl::OkStatus();
  }

  void StartOp(const OpTicket& ticket, OpDone done) override {
    streams_[ticket.client]->KeepAlive(std::move(done));
  }

  void Finish() override {
    for (auto& stream : streams_) stream->Close();
  }

 private:
  WorkloadEnv env_;
  std::vector<std::unique_ptr<KeepAliveStream>> streams_;
};

}  // namespace

std::unique_ptr<Workload> MakeLeaseKeepAliveWorkload(const WorkloadEnv& env) {
  return std::make_unique<LeaseKeepAliveWorkload>(env);
}

}  // namespace raftkv::bench
