#include "server/watch/watch_stream_driver.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"

namespace raftkv::server::watch {

WatchStreamDriver::WatchStreamDriver(absl::Duration tick_interval) : tick_interval_(tick_interval) {
  thread_ = std::thread([this] { Loop(); });
}

WatchStreamDriver::~WatchStreamDriver() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void WatchStreamDriver::Register(std::weak_ptr<DrivenStream> stream) {
  std::lock_guard<std::mutex> lock(mu_);
  registered_.push_back(std::move(stream));
}

void WatchStreamDriver::Kick(std::weak_ptr<DrivenStream> stream) {
  bool was_idle;
  {
    std::lock_guard<std::mutex> lock(mu_);
    was_idle = kicked_.empty();
    kicked_.push_back(std::move(stream));
  }
  if (was_idle) cv_.notify_one();
}

void WatchStreamDriver::TickAll(absl::Time now) {
  std::vector<std::weak_ptr<DrivenStream>> streams;
  {
    std::lock_guard<std::mutex> lock(mu_);
    registered_.erase(
        std::remove_if(registered_.begin(), registered_.end(),
                       [](const std::weak_ptr<DrivenStream>& stream) { return stream.expired(); }),
        registered_.end());
    streams = registered_;
  }
  for (const auto& weak : streams) {
    if (std::shared_ptr<DrivenStream> stream = weak.lock()) stream->Tick(now);
  }
}

void WatchStreamDriver::Loop() {
  absl::Time next_tick = absl::Now() + tick_interval_;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, absl::ToChronoNanoseconds(next_tick - absl::Now()),
                 [this] { return stopping_ || !kicked_.empty(); });
    if (stopping_) break;
    std::vector<std::weak_ptr<DrivenStream>> kicked = std::move(kicked_);
    kicked_.clear();
    lock.unlock();
    // Streams are called without the driver lock: a stream's last owner may be
    // released here, and its destructor reaches the hub.
    for (const auto& weak : kicked) {
      if (std::shared_ptr<DrivenStream> stream = weak.lock()) stream->Pump();
    }
    const absl::Time now = absl::Now();
    if (now >= next_tick) {
      TickAll(now);
      next_tick = now + tick_interval_;
    }
    lock.lock();
  }
}

}  // namespace raftkv::server::watch
