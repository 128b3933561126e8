#include "server/watch/watch_stream_service.h"

#include <algorithm>
#include <utility>

#include "server/watch/watch_stream_reactor.h"

namespace raftkv::server::watch {
namespace {

// A call refused before any watch exists: finishes at once.
class RefusedWatch final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  explicit RefusedWatch(grpc::Status status) { Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

// Fine enough for leader checks and progress ticks, coarse enough to cost
// nothing with the production intervals (1 s, 10 min).
absl::Duration DriverTickInterval(const WatchServerContext& context) {
  absl::Duration interval = std::min(context.progress_interval, context.leader_check_interval) / 4;
  return std::clamp(interval, absl::Milliseconds(1), absl::Milliseconds(100));
}

}  // namespace

WatchStreamService::WatchStreamService(WatchHub* hub, WatchServerContext context)
    : hub_(hub), context_(std::move(context)), driver_(DriverTickInterval(context_)) {}

WatchStreamService::~WatchStreamService() = default;

bool WatchStreamService::RequiresLeader(const grpc::CallbackServerContext& context) const {
  if (!context_.has_leader) return false;
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("hasleader");
  return it != metadata.end() && it->second == "true";
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* WatchStreamService::Watch(
    grpc::CallbackServerContext* context) {
  const bool require_leader = RequiresLeader(*context);
  if (require_leader && !context_.has_leader()) {
    return new RefusedWatch(grpc::Status(grpc::StatusCode::UNAVAILABLE, "etcdserver: no leader"));
  }
  return WatchStreamReactor::Start(&context_, &driver_, hub_->NewStream(), require_leader);
}

}  // namespace raftkv::server::watch
