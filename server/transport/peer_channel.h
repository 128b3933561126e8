#ifndef RAFTKV_SERVER_TRANSPORT_PEER_CHANNEL_H_
#define RAFTKV_SERVER_TRANSPORT_PEER_CHANNEL_H_

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "server/transport/transport_options.h"

namespace raftkv::transport {

// An insecure channel to a peer with fast reconnects and keepalive pings, so that a dead
// or restarted peer is noticed within seconds rather than gRPC's default minutes.
std::shared_ptr<grpc::Channel> CreatePeerChannel(const std::string& target,
                                                 const PeerTransportOptions& options);

}  // namespace raftkv::transport

#endif  // RAFTKV_SERVER_TRANSPORT_PEER_CHANNEL_H_
