#ifndef RAFTKV_SERVER_TRANSPORT_PEER_SERVICE_H_
#define RAFTKV_SERVER_TRANSPORT_PEER_SERVICE_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/sync_stream.h"
#include "proto/peer.grpc.pb.h"
#include "server/transport/message_handler.h"

namespace raftkv::transport {

struct PeerServiceOptions {
  // Received snapshots are written here (created if missing).
  std::string snapshot_dir;
  // Answers GetClusterInfo; when empty the RPC returns UNIMPLEMENTED.
  std::function<absl::StatusOr<peerpb::ClusterInfo>()> cluster_info;
};

// The receiving side of the peer transport: hands incoming message batches and snapshots to
// the member's MessageHandler. Messages are delivered as received; checking `to` and terms is
// the raft layer's job.
class PeerService final : public peerpb::RaftPeer::Service {
 public:
  PeerService(MessageHandler* handler, PeerServiceOptions options);

  grpc::Status Send(grpc::ServerContext* context, grpc::ServerReader<raftpb::MessageBatch>* reader,
                    peerpb::SendAck* response) override;
  grpc::Status SendSnapshot(grpc::ServerContext* context,
                            grpc::ServerReader<peerpb::SnapshotChunk>* reader,
                            peerpb::SendAck* response) override;
  grpc::Status GetClusterInfo(grpc::ServerContext* context,
                              const peerpb::ClusterInfoRequest* request,
                              peerpb::ClusterInfo* response) override;

 private:
  MessageHandler* const handler_;
  const PeerServiceOptions options_;
};

}  // namespace raftkv::transport

#endif  // RAFTKV_SERVER_TRANSPORT_PEER_SERVICE_H_
