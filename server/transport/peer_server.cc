#include "server/transport/peer_server.h"

#include <climits>

#include "absl/strings/str_cat.h"
#include "grpcpp/security/server_credentials.h"
#include "server/transport/peer_url.h"

namespace raftkv::transport {

void ConfigurePeerServerBuilder(grpc::ServerBuilder* builder) {
  builder->SetMaxReceiveMessageSize(INT_MAX);
  builder->SetMaxSendMessageSize(INT_MAX);
  // Clients ping every second even on idle streams; without these permits the server would
  // answer with GOAWAY(too_many_pings) and break the streams.
  builder->AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 500);
  builder->AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 2000);
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 2000);
}

absl::StatusOr<std::unique_ptr<grpc::Server>> StartPeerServer(const std::string& listen_url,
                                                              grpc::Service* service,
                                                              int* bound_port) {
  absl::StatusOr<std::string> address = GrpcTargetFromUrl(listen_url);
  if (!address.ok()) return address.status();
  grpc::ServerBuilder builder;
  ConfigurePeerServerBuilder(&builder);
  int port = 0;
  builder.AddListeningPort(*address, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen for peers on ", listen_url));
  }
  if (bound_port != nullptr) *bound_port = port;
  return server;
}

void ShutdownPeerServer(grpc::Server* server, std::chrono::milliseconds grace) {
  server->Shutdown(std::chrono::system_clock::now() + grace);
  server->Wait();
}

}  // namespace raftkv::transport
