#include "client/watcher.h"

#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "client/client.h"
#include "client/leader_watchdog.h"

namespace raftkv::client {
namespace {

constexpr std::chrono::milliseconds kReconnectPause{100};

WatchResponse Convert(const etcdserverpb::WatchResponse& response) {
  WatchResponse out;
  out.header = response.header();
  out.header_revision = response.header().revision();
  out.events.assign(response.events().begin(), response.events().end());
  out.compact_revision = response.compact_revision();
  out.canceled = response.canceled();
  out.cancel_reason = response.cancel_reason();
  return out;
}

}  // namespace

WatchHandle::WatchHandle(Client* client, std::string key, WatchOptions options,
                         WatchCallback callback)
    : client_(client),
      key_(std::move(key)),
      options_(std::move(options)),
      callback_(std::move(callback)),
      next_revision_(options_.start_revision) {
  worker_ = std::thread([this] { Run(); });
}

WatchHandle::~WatchHandle() { Cancel(); }

void WatchHandle::Cancel() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    stopped_ = true;
    if (context_) context_->TryCancel();
  }
  changed_.notify_all();
  if (!worker_.joinable()) return;
  if (worker_.get_id() == std::this_thread::get_id()) {
    worker_.detach();  // cancelled from inside the callback: the loop ends on its own
  } else {
    worker_.join();
  }
}

int64_t WatchHandle::NextRevision() const {
  std::unique_lock<std::mutex> lock(mu_);
  return next_revision_;
}

bool WatchHandle::WaitCreated(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, timeout, [this] { return created_; });
}

int WatchHandle::Streams() const {
  std::unique_lock<std::mutex> lock(mu_);
  return streams_;
}

bool WatchHandle::WaitOrStop(std::chrono::milliseconds duration) {
  std::unique_lock<std::mutex> lock(mu_);
  return !changed_.wait_for(lock, duration, [this] { return stopped_; });
}

void WatchHandle::Run() {
  while (RunStream()) {
    if (!WaitOrStop(kReconnectPause)) return;
  }
}

bool WatchHandle::RunStream() {
  std::shared_ptr<Endpoint> endpoint;
  {
    auto connected = client_->ConnectedEndpoint();
    if (!connected.ok()) return true;  // nothing reachable yet: try again
    endpoint = *connected;
  }
  auto context = std::make_shared<grpc::ClientContext>();
  // A member that loses its leader then ends the stream, and the watch moves elsewhere.
  RequireLeader(*context);
  etcdserverpb::WatchRequest request;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (stopped_) return false;
    context_ = context;
    ++streams_;
    auto* create = request.mutable_create_request();
    create->set_key(RangeStartKey(key_, options_.range));
    create->set_range_end(RangeEnd(key_, options_.range));
    create->set_start_revision(next_revision_);
    create->set_prev_kv(options_.prev_kv);
    create->set_progress_notify(options_.progress_notify);
    if (options_.filter_put) create->add_filters(etcdserverpb::WatchCreateRequest::NOPUT);
    if (options_.filter_delete) create->add_filters(etcdserverpb::WatchCreateRequest::NODELETE);
  }
  auto stream = endpoint->watch().Watch(context.get());
  Next next = Next::kReconnect;
  {
    // The server may not end the stream when its member loses the leader (see
    // leader_watchdog.h): the watchdog does.
    LeaderWatchdog watchdog(endpoint, context, client_->options().watch_leader_check);
    if (stream->Write(request)) {
      etcdserverpb::WatchResponse response;
      while (stream->Read(&response)) {
        next = Deliver(response);
        if (next != Next::kContinue) break;
      }
      if (next == Next::kContinue) next = Next::kReconnect;  // the stream broke
    }
  }
  context->TryCancel();
  stream->Finish();
  std::unique_lock<std::mutex> lock(mu_);
  context_.reset();
  if (stopped_ || next == Next::kEnd) return false;
  // The stream broke: prefer another member for the next one.
  client_->ReportFailure(*endpoint);
  return true;
}

WatchHandle::Next WatchHandle::Deliver(const etcdserverpb::WatchResponse& response) {
  if (response.created()) {
    std::unique_lock<std::mutex> lock(mu_);
    // Pin the start so a reconnect resumes exactly after what this stream covered.
    if (next_revision_ == 0) next_revision_ = response.header().revision() + 1;
    created_ = true;
    changed_.notify_all();
    return Next::kContinue;
  }
  if (response.canceled() && response.compact_revision() == 0 &&
      absl::StrContains(response.cancel_reason(), "no leader")) {
    return Next::kReconnect;  // the member is cut off: continue on another one
  }
  WatchResponse out = Convert(response);
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (stopped_) return Next::kEnd;
    if (!out.events.empty()) next_revision_ = out.events.back().kv().mod_revision() + 1;
    if (out.Terminal()) stopped_ = true;
  }
  callback_(out);
  return out.Terminal() ? Next::kEnd : Next::kContinue;
}

WatchStream::WatchStream(Client* client, const std::string& key, const WatchOptions& options) {
  handle_ = std::make_unique<WatchHandle>(client, key, options, [this](const WatchResponse& r) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      queue_.push_back(r);
    }
    pushed_.notify_all();
  });
}

std::optional<WatchResponse> WatchStream::Next(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!pushed_.wait_for(lock, timeout, [this] { return !queue_.empty(); })) {
    return std::nullopt;
  }
  WatchResponse front = std::move(queue_.front());
  queue_.pop_front();
  return front;
}

std::unique_ptr<WatchHandle> Watcher::Watch(const std::string& key, const WatchOptions& options,
                                            WatchCallback callback) {
  return std::make_unique<WatchHandle>(client_, key, options, std::move(callback));
}

std::unique_ptr<WatchStream> Watcher::Open(const std::string& key, const WatchOptions& options) {
  return std::make_unique<WatchStream>(client_, key, options);
}

}  // namespace raftkv::client
