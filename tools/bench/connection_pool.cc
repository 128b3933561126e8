#include "tools/bench/connection_pool.h"

#include "absl/strings/str_cat.h"

namespace raftkv::bench {

ConnectionPool::ConnectionPool(const std::vector<std::string>& endpoints, int count) {
  for (int i = 0; i < count; ++i) {
    auto conn = std::make_unique<Connection>();
    conn->endpoint = endpoints[i % endpoints.size()];
    grpc::ChannelArguments args;
    // Without a local subchannel pool, channels to the same address share one
    // TCP connection and --conns would be meaningless.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetMaxReceiveMessageSize(-1);
    conn->channel =
        grpc::CreateCustomChannel(conn->endpoint, grpc::InsecureChannelCredentials(), args);
    conn->kv = etcdserverpb::KV::NewStub(conn->channel);
    conn->watch = etcdserverpb::Watch::NewStub(conn->channel);
    conn->lease = etcdserverpb::Lease::NewStub(conn->channel);
    conns_.push_back(std::move(conn));
  }
}

absl::Status ConnectionPool::WaitConnected(absl::Duration timeout) {
  const auto deadline = std::chrono::system_clock::now() + absl::ToChronoSeconds(timeout);
  for (auto& conn : conns_) {
    if (!conn->channel->WaitForConnected(deadline)) {
      return absl::UnavailableError(absl::StrCat("cannot connect to ", conn->endpoint));
    }
  }
  return absl::OkStatus();
}

}  // namespace raftkv::bench
