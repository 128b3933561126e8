#include "client/leader_watchdog.h"

namespace raftkv::client {

LeaderWatchdog::LeaderWatchdog(std::shared_ptr<Endpoint> endpoint,
                               std::shared_ptr<grpc::ClientContext> stream,
                               LeaderWatchdogOptions options)
    : endpoint_(std::move(endpoint)), stream_(std::move(stream)), options_(options) {
  if (options_.interval.count() > 0) worker_ = std::thread([this] { Run(); });
}

LeaderWatchdog::~LeaderWatchdog() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    stopping_ = true;
  }
  stop_requested_.notify_all();
  if (worker_.joinable()) worker_.join();
}

bool LeaderWatchdog::fired() const {
  std::unique_lock<std::mutex> lock(mu_);
  return fired_;
}

void LeaderWatchdog::Run() {
  int misses = 0;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (stop_requested_.wait_for(lock, options_.interval, [this] { return stopping_; })) return;
    }
    misses = MemberHasLeader() ? 0 : misses + 1;
    if (misses < options_.misses_to_cancel) continue;
    std::unique_lock<std::mutex> lock(mu_);
    if (stopping_) return;
    fired_ = true;
    stream_->TryCancel();
    return;
  }
}

bool LeaderWatchdog::MemberHasLeader() {
  grpc::ClientContext context;
  // A probe that outlives the interval counts as a miss (a hung member).
  context.set_deadline(std::chrono::system_clock::now() + options_.interval);
  etcdserverpb::StatusResponse response;
  grpc::Status status =
      endpoint_->maintenance().Status(&context, etcdserverpb::StatusRequest(), &response);
  return status.ok() && response.leader() != 0;
}

}  // namespace raftkv::client
