#ifndef RAFTKV_SERVER_TRANSPORT_PEER_SENDER_H_
#define RAFTKV_SERVER_TRANSPORT_PEER_SENDER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "proto/peer.grpc.pb.h"
#include "proto/raft.pb.h"
#include "server/transport/message_handler.h"
#include "server/transport/transport_options.h"

namespace raftkv::transport {

// Streams raft messages to one peer. Enqueue() never blocks; a background thread keeps one
// client-streaming Send RPC open and writes everything queued since its last write as one
// MessageBatch. A slow peer pushes back through HTTP/2 flow control: the thread blocks in
// Write, the queue fills up, and further messages are dropped.
class PeerSender {
 public:
  PeerSender(uint64_t peer_id, std::vector<std::string> targets, MessageHandler* handler,
             const PeerTransportOptions& options);
  ~PeerSender();  // Stops.

  PeerSender(const PeerSender&) = delete;
  PeerSender& operator=(const PeerSender&) = delete;

  // Appends messages to the queue. Returns false when some were dropped because the queue
  // was full and this overflow has not been reported yet: the caller reports the peer
  // unreachable (outside its own locks).
  bool Enqueue(std::vector<raftpb::Message> messages);

  // Switches to new gRPC targets; the current stream is closed and reopened.
  void UpdateTargets(std::vector<std::string> targets);

  // The target currently in use (for the snapshot sender).
  std::string CurrentTarget() const;

  // Cancels the stream and joins the thread. Queued messages are discarded.
  void Stop();
  // The non-blocking first half of Stop(), so that many senders can be stopped in parallel.
  void BeginStop();

 private:
  enum class StreamEnd { kStopped, kRetargeted, kBrokenAfterWrites, kBrokenWithoutWrites };

  void Run();
  // Returns true when the channel is READY; otherwise waits a little (interruptibly).
  bool WaitUntilConnected();
  // Writes batches until the stream breaks, the targets change or Stop().
  StreamEnd StreamUntilBroken();
  // Blocks until messages are queued; returns false (and why in *end) on Stop() or a
  // target change.
  bool TakeBatch(uint64_t stream_generation, raftpb::MessageBatch* batch, StreamEnd* end);
  std::shared_ptr<grpc::Channel> ChannelForCurrentTarget();
  void DropQueuedAndReportUnreachable();
  void SleepInterruptibly(std::chrono::milliseconds delay);

  const uint64_t peer_id_;
  MessageHandler* const handler_;
  const PeerTransportOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::vector<std::string> targets_;
  size_t target_index_ = 0;
  // Bumped whenever the stream must be reopened (new targets); the open stream remembers
  // the generation it was opened with.
  uint64_t generation_ = 0;
  std::deque<raftpb::Message> queue_;
  bool overflow_reported_ = false;
  std::shared_ptr<grpc::ClientContext> active_context_;

  // Owned by the sender thread.
  std::shared_ptr<grpc::Channel> channel_;
  std::string channel_target_;
  std::chrono::steady_clock::time_point unreachable_since_;
  bool connected_ = true;

  std::thread thread_;
};

}  // namespace raftkv::transport

#endif  // RAFTKV_SERVER_TRANSPORT_PEER_SENDER_H_
