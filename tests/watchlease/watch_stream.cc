#include "tests/watchlease/watch_stream.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tests/watchlease/grpc_channel.h"

namespace raftkv::watchlease_test {

WatchStream::WatchStream(const std::string& endpoint)
    : endpoint_(endpoint),
      channel_(FastReconnectChannel(endpoint)),
      stub_(etcdserverpb::Watch::NewStub(channel_)) {
  stream_ = stub_->Watch(&context_);
  reader_ = std::thread([this] { ReadLoop(); });
}

WatchStream::~WatchStream() {
  context_.TryCancel();
  reader_.join();
}

void WatchStream::ReadLoop() {
  etcdserverpb::WatchResponse response;
  while (stream_->Read(&response)) {
    std::lock_guard<std::mutex> lock(mu_);
    if (response.created()) created_ids_.push_back(response.watch_id());
    auto& events = events_[response.watch_id()];
    for (const auto& event : response.events()) events.push_back(event);
    if (response.canceled()) {
      canceled_[response.watch_id()] =
          absl::StrCat(response.cancel_reason(), " compact_revision=", response.compact_revision());
    }
    changed_.notify_all();
  }
  std::lock_guard<std::mutex> lock(mu_);
  broken_ = true;
  changed_.notify_all();
}

absl::StatusOr<int64_t> WatchStream::Watch(const WatchSpec& spec,
                                           std::chrono::milliseconds timeout) {
  std::lock_guard<std::mutex> create_lock(create_mu_);
  etcdserverpb::WatchRequest request;
  auto* create = request.mutable_create_request();
  create->set_key(spec.key);
  create->set_range_end(spec.range_end);
  create->set_start_revision(spec.start_revision);
  create->set_prev_kv(spec.prev_kv);
  if (!stream_->Write(request)) {
    return absl::UnavailableError(absl::StrCat("watch stream to ", endpoint_, " is closed"));
  }
  std::unique_lock<std::mutex> lock(mu_);
  if (!changed_.wait_for(lock, timeout, [this] { return !created_ids_.empty() || broken_; })) {
    return absl::DeadlineExceededError(absl::StrCat("no created response from ", endpoint_));
  }
  if (created_ids_.empty()) {
    return absl::UnavailableError(absl::StrCat("watch stream to ", endpoint_, " broke"));
  }
  const int64_t id = created_ids_.front();
  created_ids_.pop_front();
  return id;
}

std::vector<mvccpb::Event> WatchStream::Events(int64_t watch_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = events_.find(watch_id);
  return it == events_.end() ? std::vector<mvccpb::Event>{} : it->second;
}

size_t WatchStream::EventCount(int64_t watch_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = events_.find(watch_id);
  return it == events_.end() ? 0 : it->second.size();
}

bool WatchStream::WaitForEvents(int64_t watch_id, size_t count,
                                std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, timeout, [&] {
    auto it = events_.find(watch_id);
    return it != events_.end() && it->second.size() >= count;
  });
}

bool WatchStream::Broken() const {
  std::lock_guard<std::mutex> lock(mu_);
  return broken_;
}

bool WatchStream::WaitUntilBroken(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, timeout, [this] { return broken_; });
}

std::map<int64_t, std::string> WatchStream::Canceled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return canceled_;
}

}  // namespace raftkv::watchlease_test
