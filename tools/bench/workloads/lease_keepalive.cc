// lease-keepalive: Prepare grants --leases leases (default: one per client)
// and opens one LeaseKeepAlive stream per client; each op sends a keep-alive
// for the client's next lease (client c keeps alive leases c, c + clients,
// c + 2 * clients, ... in turn) and waits for its answer, so the latency is one
// keep-alive round trip. An answer with TTL 0 (the lease is gone) or for
// another lease fails the op.
#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <mutex>
#include <thread>
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
  explicit KeepAliveStream(etcdserverpb::Lease::Stub* stub) {
    stub->async()->LeaseKeepAlive(&context_, this);
    StartRead(&response_);
    StartCall();
  }

  void KeepAlive(int64_t lease_id, OpDone done) {
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
      pending_id_ = lease_id;
      // The answer to the previous keep-alive can arrive before gRPC reports
      // its write done; a second StartWrite then would be API misuse (and
      // request_ may still be serialized), so the write is deferred to
      // OnWriteDone.
      if (write_in_flight_) {
        write_deferred_ = true;
        return;
      }
      write_in_flight_ = true;
      request_.set_id(lease_id);
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
      request_.set_id(pending_id_);
    }
    StartWrite(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      Fail(absl::UnavailableError("keep-alive stream broken (read)"));
      return;
    }
    absl::Status answer = absl::OkStatus();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (response_.id() != pending_id_) {
        answer = absl::InternalError(
            absl::StrCat("keep-alive answered for lease ", response_.id(), ", sent ", pending_id_));
      } else if (response_.ttl() <= 0) {
        answer = absl::NotFoundError(absl::StrCat("lease ", pending_id_, " expired"));
      }
    }
    OpDone done = TakePending();
    StartRead(&response_);
    if (done) done(answer);
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
  int64_t pending_id_ = 0;
  bool finished_ = false;
  bool write_in_flight_ = false;
  bool broken_ = false;
  bool write_deferred_ = false;
};

class LeaseKeepAliveWorkload : public Workload {
 public:
  explicit LeaseKeepAliveWorkload(const WorkloadEnv& env) : env_(env) {}

  absl::Status Prepare() override {
    const int clients = env_.options->clients;
    const int leases = env_.options->leases > 0 ? env_.options->leases : clients;
    lease_ids_.assign(leases, 0);
    if (absl::Status s = GrantAll(); !s.ok()) return s;
    for (int c = 0; c < clients; ++c) {
      streams_.push_back(std::make_unique<KeepAliveStream>(env_.pool->ForClient(c).lease.get()));
      next_lease_.push_back(c % leases);
    }
    return absl::OkStatus();
  }

  void StartOp(const OpTicket& ticket, OpDone done) override {
    // Only this client touches its slot (one op in flight per client).
    int64_t& next = next_lease_[ticket.client];
    const int64_t id = lease_ids_[next];
    next = (next + env_.options->clients) % static_cast<int64_t>(lease_ids_.size());
    streams_[ticket.client]->KeepAlive(id, std::move(done));
  }

  void Finish() override {
    for (auto& stream : streams_) stream->Close();
  }

  std::map<std::string, int64_t> Counters() const override {
    return {{"leases", static_cast<int64_t>(lease_ids_.size())}};
  }

 private:
  // Untimed: one thread per client grants its share of the leases.
  absl::Status GrantAll() {
    const int clients = env_.options->clients;
    std::vector<absl::Status> results(clients);
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([this, c, clients, &results] {
        Connection& conn = env_.pool->ForClient(c);
        for (size_t i = c; i < lease_ids_.size() && results[c].ok(); i += clients) {
          grpc::ClientContext context;
          context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
          etcdserverpb::LeaseGrantRequest request;
          request.set_ttl(env_.options->lease_ttl);
          etcdserverpb::LeaseGrantResponse response;
          grpc::Status status = conn.lease->LeaseGrant(&context, request, &response);
          if (!status.ok()) {
            results[c] =
                absl::UnavailableError(absl::StrCat("LeaseGrant: ", status.error_message()));
          }
          lease_ids_[i] = response.id();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (const absl::Status& s : results) {
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

  WorkloadEnv env_;
  std::vector<int64_t> lease_ids_;
  std::vector<int64_t> next_lease_;  // per client: index into lease_ids_
  std::vector<std::unique_ptr<KeepAliveStream>> streams_;
};

}  // namespace

std::unique_ptr<Workload> MakeLeaseKeepAliveWorkload(const WorkloadEnv& env) {
  return std::make_unique<LeaseKeepAliveWorkload>(env);
}

}  // namespace raftkv::bench
