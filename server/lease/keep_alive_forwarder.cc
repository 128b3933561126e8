#include "server/lease/keep_alive_forwarder.h"

#include <deque>
#include <future>
#include <thread>
#include <utility>

#include "grpcpp/client_context.h"
#include "proto/rpc.grpc.pb.h"
#include "server/lease/lease_errors.h"

namespace raftkv::server::lease {

using etcdserverpb::LeaseKeepAliveRequest;
using etcdserverpb::LeaseKeepAliveResponse;
using Answer = absl::StatusOr<int64_t>;

// One LeaseKeepAlive call to one leader. A reader thread hands each answer to
// the oldest waiting caller. Once broken (read or write failed, or a caller
// timed out) it is never reused: its pending callers fail with Unavailable.
class KeepAliveForwarder::Stream {
 public:
  explicit Stream(std::shared_ptr<grpc::Channel> channel)
      : channel_(std::move(channel)), stub_(etcdserverpb::Lease::NewStub(channel_)) {
    call_ = stub_->LeaseKeepAlive(&context_);
    reader_ = std::thread([this] { ReadLoop(); });
  }

  ~Stream() {
    Break();
    reader_.join();
  }

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  bool broken() {
    std::lock_guard<std::mutex> lock(mu_);
    return broken_;
  }

  // Writes the keep-alive; the answer arrives through the returned future.
  std::future<Answer> Send(int64_t id) {
    auto waiter = std::make_shared<std::promise<Answer>>();
    std::future<Answer> answer = waiter->get_future();
    // Write order must equal queue order, so both happen under write_mu_.
    std::lock_guard<std::mutex> write_lock(write_mu_);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (broken_) {
        waiter->set_value(absl::UnavailableError("lease keep-alive forwarding stream broken"));
        return answer;
      }
      pending_.push_back(waiter);
    }
    LeaseKeepAliveRequest request;
    request.set_id(id);
    // A failed write ends the call; the reader then fails every pending caller.
    if (!call_->Write(request)) context_.TryCancel();
    return answer;
  }

  // Cancels the call (the reader fails whoever still waits).
  void Break() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      broken_ = true;
    }
    context_.TryCancel();
  }

 private:
  void ReadLoop() {
    LeaseKeepAliveResponse response;
    while (call_->Read(&response)) {
      std::shared_ptr<std::promise<Answer>> waiter;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (pending_.empty()) continue;  // nobody asked: ignore
        waiter = std::move(pending_.front());
        pending_.pop_front();
      }
      // etcd answers TTL 0 for a lease it does not know (expired or revoked).
      if (response.ttl() > 0) {
        waiter->set_value(response.ttl());
      } else {
        waiter->set_value(LeaseNotFoundError());
      }
    }
    grpc::Status status;
    {
      // Finish must not overlap a Write of a caller.
      std::lock_guard<std::mutex> write_lock(write_mu_);
      status = call_->Finish();
    }
    std::deque<std::shared_ptr<std::promise<Answer>>> failed;
    {
      std::lock_guard<std::mutex> lock(mu_);
      broken_ = true;
      failed.swap(pending_);
    }
    const absl::Status error = absl::UnavailableError(
        "lease keep-alive forwarding stream to the leader ended: " + status.error_message());
    for (auto& waiter : failed) waiter->set_value(error);
  }

  const std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<etcdserverpb::Lease::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<LeaseKeepAliveRequest, LeaseKeepAliveResponse>> call_;
  std::mutex write_mu_;
  std::mutex mu_;
  std::deque<std::shared_ptr<std::promise<Answer>>> pending_;
  bool broken_ = false;
  std::thread reader_;
};

KeepAliveForwarder::KeepAliveForwarder(LeaderChannel leader, absl::Duration timeout)
    : leader_(std::move(leader)), timeout_(timeout) {}

KeepAliveForwarder::~KeepAliveForwarder() = default;

std::shared_ptr<KeepAliveForwarder::Stream> KeepAliveForwarder::StreamTo(
    const std::shared_ptr<grpc::Channel>& channel) {
  std::shared_ptr<Stream> retired;  // destroyed (joined) outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  if (stream_ != nullptr && (stream_->channel() != channel || stream_->broken())) {
    retired = std::move(stream_);
    retired->Break();
  }
  if (stream_ == nullptr) stream_ = std::make_shared<Stream>(channel);
  return stream_;
}

absl::StatusOr<int64_t> KeepAliveForwarder::Renew(int64_t id) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = leader_();
  if (!channel.ok()) return channel.status();
  std::shared_ptr<Stream> stream = StreamTo(*channel);
  std::future<Answer> answer = stream->Send(id);
  if (answer.wait_for(absl::ToChronoNanoseconds(timeout_)) != std::future_status::ready) {
    // A leader that does not answer in time is treated as gone: the next
    // keep-alive opens a new stream (possibly to a new leader).
    stream->Break();
    return absl::DeadlineExceededError("lease keep-alive: the leader did not answer in time");
  }
  return answer.get();
}

}  // namespace raftkv::server::lease
