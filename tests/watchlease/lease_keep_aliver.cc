#include "tests/watchlease/lease_keep_aliver.h"

#include "tests/watchlease/grpc_channel.h"

namespace raftkv::watchlease_test {

// One stream to one member with its reader thread; responses go to `on_response`.
class LeaseKeepAliver::Session {
 public:
  Session(const std::string& endpoint,
          std::function<void(const etcdserverpb::LeaseKeepAliveResponse&)> on_response)
      : channel_(FastReconnectChannel(endpoint)), stub_(etcdserverpb::Lease::NewStub(channel_)) {
    stream_ = stub_->LeaseKeepAlive(&context_);
    reader_ = std::thread([this, on_response] {
      etcdserverpb::LeaseKeepAliveResponse response;
      while (stream_->Read(&response)) on_response(response);
      broken_ = true;
    });
  }
  ~Session() {
    context_.TryCancel();
    reader_.join();
  }

  bool broken() const { return broken_.load(); }
  bool Send(int64_t lease_id) {
    etcdserverpb::LeaseKeepAliveRequest request;
    request.set_id(lease_id);
    return stream_->Write(request);
  }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<etcdserverpb::Lease::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<etcdserverpb::LeaseKeepAliveRequest,
                                           etcdserverpb::LeaseKeepAliveResponse>>
      stream_;
  std::atomic<bool> broken_{false};
  std::thread reader_;
};

LeaseKeepAliver::LeaseKeepAliver(std::vector<std::string> endpoints,
                                 std::chrono::milliseconds interval)
    : endpoints_(std::move(endpoints)), interval_(interval) {
  thread_ = std::thread([this] { Run(); });
}

LeaseKeepAliver::~LeaseKeepAliver() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  thread_.join();
}

void LeaseKeepAliver::Add(int64_t lease_id) {
  std::lock_guard<std::mutex> lock(mu_);
  leases_.insert(lease_id);
}

void LeaseKeepAliver::Remove(int64_t lease_id) {
  std::lock_guard<std::mutex> lock(mu_);
  leases_.erase(lease_id);
}

std::set<int64_t> LeaseKeepAliver::Lost() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lost_;
}

int LeaseKeepAliver::OkResponses(int64_t lease_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ok_by_id_.find(lease_id);
  return it == ok_by_id_.end() ? 0 : it->second;
}

void LeaseKeepAliver::EnsureSession() {
  if (session_ && !session_->broken()) return;
  if (session_) {
    ++reconnects_;
    next_endpoint_ = (next_endpoint_ + 1) % endpoints_.size();
  }
  session_.reset();
  session_ = std::make_unique<Session>(
      endpoints_[next_endpoint_], [this](const etcdserverpb::LeaseKeepAliveResponse& response) {
        std::lock_guard<std::mutex> lock(mu_);
        if (response.ttl() > 0) {
          ++ok_by_id_[response.id()];
          ++ok_responses_;
        } else {
          lost_.insert(response.id());
        }
      });
}

void LeaseKeepAliver::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    const std::set<int64_t> leases = leases_;
    lock.unlock();
    EnsureSession();
    for (int64_t id : leases) {
      if (!session_->Send(id)) break;  // broken: reopened on the next round
    }
    lock.lock();
    stop_cv_.wait_for(lock, interval_, [this] { return stop_; });
  }
  lock.unlock();
  session_.reset();
}

}  // namespace raftkv::watchlease_test
