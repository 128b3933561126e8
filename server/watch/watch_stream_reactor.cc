#include "server/watch/watch_stream_reactor.h"

#include <grpcpp/impl/codegen/proto_utils.h>

#include <random>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "server/watch/watch_response_fragmenter.h"

namespace raftkv::server::watch {
namespace {

// grpc::ByteBuffer has no move: building a message in place saves a copy.
void SerializeInto(const etcdserverpb::WatchResponse& response, grpc::ByteBuffer* buffer) {
  bool own_buffer = false;
  (void)grpc::SerializationTraits<etcdserverpb::WatchResponse>::Serialize(response, buffer,
                                                                          &own_buffer);
}

// Serialized straight into the slice gRPC sends (no intermediate string).
grpc::Slice SerializeToSlice(const etcdserverpb::WatchResponse& response) {
  grpc::Slice slice(response.ByteSizeLong());
  response.SerializeWithCachedSizesToArray(const_cast<uint8_t*>(slice.begin()));
  return slice;
}

// A slice over shared->wire that keeps `shared` alive until gRPC is done with it.
grpc::Slice SharedEventsSlice(std::shared_ptr<const SharedEvents> shared) {
  auto* owner = new std::shared_ptr<const SharedEvents>(std::move(shared));
  const std::string& wire = (*owner)->wire;
  return grpc::Slice(
      const_cast<char*>(wire.data()), wire.size(),
      [](void* user_data) { delete static_cast<std::shared_ptr<const SharedEvents>*>(user_data); },
      owner);
}

}  // namespace

// One gRPC slice per revision's shared events per batch: the ~100 watches of a
// stream that get the same revision reference one slice instead of each
// wrapping the events anew (two allocations per message).
class WatchStreamReactor::SharedSlices {
 public:
  grpc::Slice SliceFor(std::shared_ptr<const SharedEvents> shared) {
    auto [it, inserted] = slices_.try_emplace(shared.get());
    if (inserted) it->second = SharedEventsSlice(std::move(shared));
    return it->second;
  }

 private:
  std::unordered_map<const SharedEvents*, grpc::Slice> slices_;
};

using etcdserverpb::WatchRequest;
using etcdserverpb::WatchResponse;

WatchStreamReactor* WatchStreamReactor::Start(const WatchServerContext* context,
                                              WatchStreamDriver* driver,
                                              std::shared_ptr<WatchStream> stream,
                                              bool require_leader) {
  auto reactor = std::make_shared<WatchStreamReactor>(context, std::move(stream), require_leader);
  std::weak_ptr<DrivenStream> weak = reactor;
  // Runs under the hub's locks (often on the apply thread): only a hand-off.
  reactor->stream_->SetReadyCallback([driver, weak] { driver->Kick(weak); });
  driver->Register(weak);
  std::lock_guard<std::mutex> lock(reactor->mu_);
  reactor->self_ = reactor;
  reactor->StartRead(&reactor->request_);
  return reactor.get();
}

WatchStreamReactor::WatchStreamReactor(const WatchServerContext* context,
                                       std::shared_ptr<WatchStream> stream, bool require_leader)
    : context_(context), stream_(std::move(stream)), require_leader_(require_leader) {
  const absl::Time now = absl::Now();
  next_progress_tick_ = now + JitteredProgressInterval();
  next_leader_check_ =
      require_leader_ ? now + context_->leader_check_interval : absl::InfiniteFuture();
}

absl::Duration WatchStreamReactor::JitteredProgressInterval() const {
  // Jitter keeps watchers created together from all ticking at once.
  thread_local std::mt19937_64 random(std::random_device{}());
  const int64_t jitter_range = absl::ToInt64Nanoseconds(context_->progress_interval) / 10;
  if (jitter_range <= 0) return context_->progress_interval;
  return context_->progress_interval +
         absl::Nanoseconds(std::uniform_int_distribution<int64_t>(0, jitter_range)(random));
}

bool WatchStreamReactor::HandleRequestLocked() {
  WatchRequest request;
  if (!grpc::SerializationTraits<WatchRequest>::Deserialize(&request_, &request).ok()) {
    return false;
  }
  switch (request.request_union_case()) {
    case WatchRequest::kCreateRequest:
      // Errors were already queued to the client as created+canceled.
      (void)stream_->Create(request.create_request());
      break;
    case WatchRequest::kCancelRequest:
      // etcd answers nothing for an unknown watch id.
      (void)stream_->Cancel(request.cancel_request().watch_id());
      break;
    case WatchRequest::kProgressRequest:
      stream_->RequestProgress();
      break;
    default:
      break;  // unknown requests are ignored, as etcd does
  }
  return true;
}

void WatchStreamReactor::OnReadDone(bool ok) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!ok) {
    // The client half-closed (or left): what is queued is still delivered, then
    // the call ends (OK, or CANCELLED through OnCancel).
    stream_->Close();
    PumpLocked();
    return;
  }
  // The control buffer had room when this read started, so this never waits.
  if (!HandleRequestLocked()) {
    stream_->Close();
    RequestFinishLocked(grpc::Status(grpc::StatusCode::INTERNAL, "cannot parse WatchRequest"));
    return;
  }
  StartReadIfRoomLocked();
  PumpLocked();
}

void WatchStreamReactor::StartReadIfRoomLocked() {
  if (finish_requested_) return;
  // A client that never reads its responses must not make us queue control
  // responses without bound: its next request waits (in gRPC flow control).
  if (stream_->HasControlRoom()) {
    read_paused_ = false;
    StartRead(&request_);
  } else {
    read_paused_ = true;
  }
}

void WatchStreamReactor::OnWriteDone(bool ok) {
  std::lock_guard<std::mutex> lock(mu_);
  write_in_flight_ = false;
  if (!ok) {
    // The client is gone.
    stream_->Close();
    RequestFinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "etcdserver: watch canceled"));
    return;
  }
  PumpLocked();
}

void WatchStreamReactor::OnCancel() {
  std::lock_guard<std::mutex> lock(mu_);
  stream_->Close();
  RequestFinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "etcdserver: watch canceled"));
}

void WatchStreamReactor::OnDone() {
  std::shared_ptr<WatchStreamReactor> self;  // may destroy this on return
  std::lock_guard<std::mutex> lock(mu_);
  stream_->SetReadyCallback(nullptr);
  stream_->Close();
  done_ = true;
  self = std::move(self_);
}

void WatchStreamReactor::Pump() {
  std::lock_guard<std::mutex> lock(mu_);
  PumpLocked();
}

void WatchStreamReactor::PumpLocked() {
  if (write_in_flight_ || finish_called_) return;
  if (!finish_requested_ && (!pending_.empty() || TakeNextResponseLocked())) {
    writing_.Swap(&pending_.front());  // ByteBuffer has no move; a copy costs allocations
    pending_.pop_front();
    write_in_flight_ = true;
    // While more messages are already waiting, gRPC only buffers this one in
    // the transport and completes the write at once (up to its 64 KiB write
    // buffer); the last message of the burst, sent without the hint, flushes
    // them all. A burst of 100 messages then costs one socket write instead of
    // 100 write-and-complete cycles one after another.
    if (pending_.empty()) {
      StartWrite(&writing_);
    } else {
      StartWrite(&writing_, grpc::WriteOptions().set_buffer_hint());
    }
    if (read_paused_) StartReadIfRoomLocked();
    return;
  }
  if (finish_requested_ && !finish_called_) {
    finish_called_ = true;
    Finish(final_status_);
  }
}

bool WatchStreamReactor::TakeNextResponseLocked() {
  std::vector<WatchStream::PoppedResponse> batch;
  switch (stream_->TryPopBatch(kMaxResponsesPerBatch, &batch)) {
    case WatchStream::PopResult::kTimeout:
      in_burst_ = false;
      return false;
    case WatchStream::PopResult::kClosed:
      // Closed by the client's half-close: everything queued was delivered.
      RequestFinishLocked(grpc::Status::OK);
      return false;
    case WatchStream::PopResult::kResponse:
      break;
  }
  if (!in_burst_) {
    header_ = context_->header ? context_->header() : etcdserverpb::ResponseHeader();
    in_burst_ = true;
  }
  // One message per watch for the whole batch: a stream that fell behind by k
  // revisions catches up with its watches' k revisions in one response each
  // (order among watches is free; each watch's own order is kept).
  std::vector<int64_t> watch_order;
  std::unordered_map<int64_t, std::vector<WatchStream::PoppedResponse*>> by_watch;
  for (WatchStream::PoppedResponse& popped : batch) {
    auto [it, inserted] = by_watch.try_emplace(popped.response.watch_id());
    if (inserted) watch_order.push_back(popped.response.watch_id());
    it->second.push_back(&popped);
  }
  SharedSlices shared_slices;
  for (int64_t watch_id : watch_order) {
    QueueWatchResponsesLocked(by_watch[watch_id], &shared_slices);
  }
  return true;
}

void WatchStreamReactor::QueueWatchResponsesLocked(
    const std::vector<WatchStream::PoppedResponse*>& responses, SharedSlices* shared_slices) {
  // Consecutive responses with shared events merge into one message: the shell
  // of the last (its revision), then every response's event bytes.
  // Merging stops at the response size limit (one revision may still exceed it,
  // as in etcd), so clients with default receive limits are not surprised.
  std::vector<grpc::Slice> merged;
  size_t merged_bytes = 0;
  WatchStream::PoppedResponse* last_shared = nullptr;
  const auto flush_merged = [&] {
    if (last_shared == nullptr) return;
    FillHeader(&last_shared->response);
    merged.insert(merged.begin(), SerializeToSlice(last_shared->response));
    pending_.emplace_back(merged.data(), merged.size());
    merged.clear();
    merged_bytes = 0;
    last_shared = nullptr;
  };
  for (WatchStream::PoppedResponse* popped : responses) {
    if (popped->shared_events != nullptr) {
      const size_t bytes = popped->shared_events->wire.size();
      if (merged_bytes + bytes > context_->max_response_bytes) flush_merged();
      merged_bytes += bytes;
      merged.push_back(shared_slices->SliceFor(std::move(popped->shared_events)));
      last_shared = popped;
      continue;
    }
    flush_merged();
    FillHeader(&popped->response);
    const WatchResponse& response = popped->response;
    if (!popped->fragment) {
      SerializeInto(response, &pending_.emplace_back());
      continue;
    }
    for (const WatchResponse& part :
         FragmentWatchResponse(response, context_->max_response_bytes)) {
      SerializeInto(part, &pending_.emplace_back());
    }
  }
  flush_merged();
}

void WatchStreamReactor::FillHeader(WatchResponse* response) const {
  const int64_t revision = response->header().revision();
  *response->mutable_header() = header_;
  response->mutable_header()->set_revision(revision);
}

void WatchStreamReactor::RequestFinishLocked(grpc::Status status) {
  if (!finish_requested_) {
    finish_requested_ = true;
    final_status_ = std::move(status);  // the first reason wins
    pending_.clear();
  }
  // With a write in flight, OnWriteDone finishes (no operation may follow Finish).
  if (write_in_flight_ || finish_called_) return;
  finish_called_ = true;
  Finish(final_status_);
}

void WatchStreamReactor::Tick(absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (finish_requested_ || done_) return;
  if (now >= next_progress_tick_) {
    stream_->TickProgress();
    next_progress_tick_ = now + JitteredProgressInterval();
  }
  if (now < next_leader_check_) return;
  checks_without_leader_ = context_->has_leader() ? 0 : checks_without_leader_ + 1;
  next_leader_check_ = now + context_->leader_check_interval;
  if (checks_without_leader_ < context_->leader_lost_checks) return;
  // The client reconnects to another member.
  stream_->Close();
  RequestFinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE, "etcdserver: no leader"));
}

}  // namespace raftkv::server::watch
