#ifndef RAFTKV_SERVER_TRANSPORT_PEER_TRANSPORT_H_
#define RAFTKV_SERVER_TRANSPORT_PEER_TRANSPORT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "proto/raft.pb.h"
#include "server/transport/message_handler.h"
#include "server/transport/peer_sender.h"
#include "server/transport/snapshot_sender.h"
#include "server/transport/transport_options.h"

namespace raftkv::transport {

// Sends raft messages from this member to its peers over gRPC (service raftkv.peerpb.RaftPeer).
// Thread-safe. Nothing here blocks on the network: each peer has a bounded queue drained by
// its own sender thread, and snapshots stream from their own threads. Failures are reported
// to the MessageHandler (OnUnreachable, OnSnapshotStatus); Raft retransmits what was lost.
class PeerTransport {
 public:
  PeerTransport(uint64_t self_id, MessageHandler* handler, PeerTransportOptions options = {});
  ~PeerTransport();  // Stops.

  PeerTransport(const PeerTransport&) = delete;
  PeerTransport& operator=(const PeerTransport&) = delete;

  // `urls` are etcd-style peer URLs ("http://10.0.0.1:2380"); the first reachable one is
  // used. Adding a known peer updates its URLs. Adding self is ignored.
  absl::Status AddPeer(uint64_t id, std::vector<std::string> urls);
  absl::Status UpdatePeer(uint64_t id, std::vector<std::string> urls);
  // Drops the peer's queued messages and closes its stream.
  void RemovePeer(uint64_t id);
  bool HasPeer(uint64_t id) const;

  // Queues each message for its `to` peer. Messages to unknown peers are dropped. When a
  // peer's queue is full the excess is dropped and OnUnreachable(peer) is called once (on
  // this thread, after the transport released its locks).
  void Send(std::vector<raftpb::Message> messages);

  // Streams `message` (a MsgSnap whose snapshot data may be empty) and then the file's bytes
  // to message.to() in the background; reports OnSnapshotStatus(peer, ok) when done.
  void SendSnapshot(raftpb::Message message, std::string snapshot_file_path);

  // Closes all streams and joins all threads, promptly even while peers are down.
  // Afterwards every call is a no-op.
  void Stop();

 private:
  const uint64_t self_id_;
  MessageHandler* const handler_;
  const PeerTransportOptions options_;
  SnapshotSender snapshot_sender_;

  mutable std::mutex mu_;
  bool stopped_ = false;
  std::map<uint64_t, std::unique_ptr<PeerSender>> peers_;
};

}  // namespace raftkv::transport

#endif  // RAFTKV_SERVER_TRANSPORT_PEER_TRANSPORT_H_
