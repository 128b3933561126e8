#ifndef RAFTKV_SERVER_TRANSPORT_PEER_SERVER_H_
#define RAFTKV_SERVER_TRANSPORT_PEER_SERVER_H_

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"

namespace raftkv::transport {

// Peer-facing server settings: unlimited message size (batches of appends can be large) and
// keepalive pings in both directions, so that dead senders release their stream threads.
void ConfigurePeerServerBuilder(grpc::ServerBuilder* builder);

// Starts an insecure gRPC server for `service` on an etcd-style URL ("http://0.0.0.0:2380").
// Port 0 picks a free port, returned in *bound_port when given.
absl::StatusOr<std::unique_ptr<grpc::Server>> StartPeerServer(const std::string& listen_url,
                                                              grpc::Service* service,
                                                              int* bound_port = nullptr);

// Peer streams never end on their own, so a plain Shutdown() would wait forever: give them
// `grace` and then cancel them. After this returns no handler call is in progress.
void ShutdownPeerServer(grpc::Server* server,
                        std::chrono::milliseconds grace = std::chrono::milliseconds(100));

}  // namespace raftkv::transport

#endif  // RAFTKV_SERVER_TRANSPORT_PEER_SERVER_H_
