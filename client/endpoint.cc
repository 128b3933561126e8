#include "client/endpoint.h"

#include "absl/strings/match.h"

namespace raftkv::client {

Endpoint::Endpoint(std::string address, const ChannelTuning& tuning)
    : address_(std::move(address)) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, static_cast<int>(tuning.keepalive_time.count()));
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, static_cast<int>(tuning.keepalive_timeout.count()));
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 0);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // A restarted member should be reachable again within a second, not after gRPC's default
  // exponential backoff of up to two minutes.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
              static_cast<int>(tuning.max_reconnect_backoff.count()));
  // A private subchannel per client keeps one client's broken connection from leaking into
  // another client of the same member (tests run several clients in one process).
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetMaxReceiveMessageSize(-1);
  channel_ = grpc::CreateCustomChannel(address_, grpc::InsecureChannelCredentials(), args);
  kv_ = etcdserverpb::KV::NewStub(channel_);
  watch_ = etcdserverpb::Watch::NewStub(channel_);
  lease_ = etcdserverpb::Lease::NewStub(channel_);
  cluster_ = etcdserverpb::Cluster::NewStub(channel_);
  maintenance_ = etcdserverpb::Maintenance::NewStub(channel_);
}

bool Endpoint::WaitConnected(std::chrono::milliseconds timeout) {
  if (channel_->GetState(/*try_to_connect=*/true) == GRPC_CHANNEL_READY) return true;
  return channel_->WaitForConnected(std::chrono::system_clock::now() + timeout);
}

std::string StripScheme(const std::string& url) {
  for (const char* scheme : {"http://", "https://", "unix://"}) {
    if (absl::StartsWith(url, scheme)) return url.substr(std::string(scheme).size());
  }
  return url;
}

void RequireLeader(grpc::ClientContext& context) { context.AddMetadata("hasleader", "true"); }

}  // namespace raftkv::client
