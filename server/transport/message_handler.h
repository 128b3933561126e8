#ifndef RAFTKV_SERVER_TRANSPORT_MESSAGE_HANDLER_H_
#define RAFTKV_SERVER_TRANSPORT_MESSAGE_HANDLER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "proto/raft.pb.h"

namespace raftkv::transport {

// What the transport reports to the member's raft loop. Implementations must return quickly:
// they are called from gRPC server threads, transport sender threads and from inside
// PeerTransport::Send() on the caller's thread (never while the transport holds a lock),
// so they should only queue work for the raft loop.
class MessageHandler {
 public:
  virtual ~MessageHandler() = default;

  // A batch of raft messages received from a peer, in the order that peer sent them.
  virtual void OnMessages(std::vector<raftpb::Message> messages) = 0;

  // A MsgSnap whose state-machine data was received completely and durably into
  // `snapshot_file_path`; `message.snapshot().data()` is empty. The handler owns the file.
  virtual void OnSnapshot(raftpb::Message message, std::string snapshot_file_path) = 0;

  // Messages to `peer` were dropped (peer down, stream broken or queue full); Raft should
  // probe the follower again instead of pipelining.
  virtual void OnUnreachable(uint64_t peer) = 0;

  // Outcome of PeerTransport::SendSnapshot to `peer`.
  virtual void OnSnapshotStatus(uint64_t peer, bool ok) = 0;
};

}  // namespace raftkv::transport

#endif  // RAFTKV_SERVER_TRANSPORT_MESSAGE_HANDLER_H_
