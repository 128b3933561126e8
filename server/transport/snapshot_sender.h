#ifndef RAFTKV_SERVER_TRANSPORT_SNAPSHOT_SENDER_H_
#define RAFTKV_SERVER_TRANSPORT_SNAPSHOT_SENDER_H_

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "grpcpp/client_context.h"
#include "proto/raft.pb.h"
#include "server/transport/message_handler.h"
#include "server/transport/transport_options.h"

namespace raftkv::transport {

// Streams snapshot files to peers, one thread per transfer, so that a multi-GB snapshot
// never delays the small raft messages travelling on the peer's message stream.
class SnapshotSender {
 public:
  SnapshotSender(MessageHandler* handler, const PeerTransportOptions& options);
  ~SnapshotSender();  // Stops.

  SnapshotSender(const SnapshotSender&) = delete;
  SnapshotSender& operator=(const SnapshotSender&) = delete;

  // Sends `message` (a MsgSnap; its snapshot data is ignored) followed by the file's bytes
  // to the gRPC `target`, then reports OnSnapshotStatus(peer, ok).
  void Start(uint64_t peer, std::string target, raftpb::Message message, std::string file_path);

  // Cancels transfers in progress (without reporting them) and joins their threads.
  void Stop();

 private:
  struct Transfer {
    std::thread thread;
    std::shared_ptr<grpc::ClientContext> context = std::make_shared<grpc::ClientContext>();
    bool done = false;
  };

  void Run(Transfer* transfer, uint64_t peer, const std::string& target, raftpb::Message message,
           const std::string& file_path);
  absl::Status StreamFile(grpc::ClientContext* context, const std::string& target,
                          raftpb::Message message, const std::string& file_path);
  void JoinFinishedTransfers();

  MessageHandler* const handler_;
  const PeerTransportOptions options_;

  std::mutex mu_;
  bool stopping_ = false;
  std::list<std::unique_ptr<Transfer>> transfers_;
};

}  // namespace raftkv::transport

#endif  // RAFTKV_SERVER_TRANSPORT_SNAPSHOT_SENDER_H_
