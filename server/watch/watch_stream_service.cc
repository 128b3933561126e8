#include "server/watch/watch_stream_service.h"

#include <algorithm>
#include <random>
#include <thread>
#include <utility>

namespace raftkv::server::watch {

using etcdserverpb::WatchRequest;
using etcdserverpb::WatchResponse;
using GrpcWatchStream = grpc::ServerReaderWriter<WatchResponse, WatchRequest>;

std::vector<WatchResponse> FragmentWatchResponse(const WatchResponse& response, size_t max_bytes) {
  if (response.ByteSizeLong() < max_bytes || response.events_size() < 2) return {response};
  WatchResponse shell = response;
  shell.clear_events();
  shell.set_fragment(true);
  std::vector<WatchResponse> fragments;
  WatchResponse current = shell;
  for (const mvccpb::Event& event : response.events()) {
    *current.add_events() = event;
    if (current.events_size() > 1 && current.ByteSizeLong() >= max_bytes) {
      current.mutable_events()->RemoveLast();
      fragments.push_back(std::move(current));
      current = shell;
      *current.add_events() = event;
    }
  }
  current.set_fragment(false);
  fragments.push_back(std::move(current));
  return fragments;
}

WatchStreamService::WatchStreamService(WatchHub* hub, WatchServerContext context)
    : hub_(hub), context_(std::move(context)) {}

absl::Duration WatchStreamService::JitteredProgressInterval() const {
  // Jitter keeps watchers created together from all ticking at once.
  thread_local std::mt19937_64 random(std::random_device{}());
  const int64_t jitter_range = absl::ToInt64Nanoseconds(context_.progress_interval) / 10;
  if (jitter_range <= 0) return context_.progress_interval;
  return context_.progress_interval +
         absl::Nanoseconds(std::uniform_int_distribution<int64_t>(0, jitter_range)(random));
}

etcdserverpb::ResponseHeader WatchStreamService::CurrentHeader() const {
  return context_.header ? context_.header() : etcdserverpb::ResponseHeader();
}

bool WatchStreamService::Send(GrpcWatchStream* grpc_stream, WatchResponse response, bool fragment,
                              const etcdserverpb::ResponseHeader& header) {
  const int64_t revision = response.header().revision();
  *response.mutable_header() = header;
  response.mutable_header()->set_revision(revision);
  if (!fragment) return grpc_stream->Write(response);
  for (const WatchResponse& part : FragmentWatchResponse(response, context_.max_response_bytes)) {
    if (!grpc_stream->Write(part)) return false;
  }
  return true;
}

bool WatchStreamService::RequiresLeader(const grpc::ServerContext& context) const {
  if (!context_.has_leader) return false;
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("hasleader");
  return it != metadata.end() && it->second == "true";
}

bool WatchStreamService::WriteLoop(grpc::ServerContext* context, GrpcWatchStream* grpc_stream,
                                   WatchStream* watch_stream, bool require_leader) {
  absl::Time next_tick = absl::Now() + JitteredProgressInterval();
  absl::Time next_leader_check =
      require_leader ? absl::Now() + context_.leader_check_interval : absl::InfiniteFuture();
  int checks_without_leader = 0;
  // The header (member, term) is read once per burst of responses, not per response:
  // with many watchers one commit queues a response per watcher.
  etcdserverpb::ResponseHeader header;
  bool in_burst = false;
  while (true) {
    WatchResponse response;
    bool fragment = false;
    bool more_queued = false;
    switch (watch_stream->Pop(std::min(next_tick, next_leader_check), &response, &fragment,
                              &more_queued)) {
      case WatchStream::PopResult::kClosed:
        return true;
      case WatchStream::PopResult::kTimeout:
        if (absl::Now() >= next_leader_check) {
          checks_without_leader = context_.has_leader() ? 0 : checks_without_leader + 1;
          if (checks_without_leader >= context_.leader_lost_checks) {
            // The sync API cannot finish a call whose reader is blocked; cancelling it
            // ends the stream, and the client reconnects to another member.
            context->TryCancel();
            watch_stream->Close();
            return false;
          }
          next_leader_check = absl::Now() + context_.leader_check_interval;
        }
        if (absl::Now() >= next_tick) {
          watch_stream->TickProgress();
          next_tick = absl::Now() + JitteredProgressInterval();
        }
        break;
      case WatchStream::PopResult::kResponse:
        if (!in_burst) header = CurrentHeader();
        in_burst = more_queued;
        if (!Send(grpc_stream, std::move(response), fragment, header)) {
          // The client is gone: unblock the reader so the call can finish.
          context->TryCancel();
          watch_stream->Close();
          return true;
        }
        break;
    }
  }
}

grpc::Status WatchStreamService::Watch(grpc::ServerContext* context, GrpcWatchStream* grpc_stream) {
  const bool require_leader = RequiresLeader(*context);
  if (require_leader && !context_.has_leader()) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "etcdserver: no leader");
  }
  std::shared_ptr<WatchStream> watch_stream = hub_->NewStream();
  bool leader_kept = true;
  std::thread writer(
      [&] { leader_kept = WriteLoop(context, grpc_stream, watch_stream.get(), require_leader); });
  WatchRequest request;
  while (grpc_stream->Read(&request)) {
    switch (request.request_union_case()) {
      case WatchRequest::kCreateRequest:
        // Errors were already queued to the client as created+canceled.
        (void)watch_stream->Create(request.create_request());
        break;
      case WatchRequest::kCancelRequest:
        // etcd answers nothing for an unknown watch id.
        (void)watch_stream->Cancel(request.cancel_request().watch_id());
        break;
      case WatchRequest::kProgressRequest:
        watch_stream->RequestProgress();
        break;
      default:
        break;  // unknown requests are ignored, as etcd does
    }
  }
  watch_stream->Close();
  writer.join();
  if (!leader_kept) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "etcdserver: no leader");
  if (context->IsCancelled()) {
    return grpc::Status(grpc::StatusCode::CANCELLED, "etcdserver: watch canceled");
  }
  return grpc::Status::OK;
}

}  // namespace raftkv::server::watch
