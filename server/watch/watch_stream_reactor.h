// One Watch call over gRPC's callback API. Reads (create/cancel/progress
// requests) and writes are asynchronous: at most one write is in flight, and
// its completion starts the next queued response right away, so a stream of
// 100 watches writes its 100 responses of a revision back to back without a
// thread hand-off per response; every message but the last of such a burst is
// only buffered by gRPC (buffer hint), so the burst leaves in few socket
// writes. When the queue runs empty the hub's ready callback kicks the
// stream's driver, which starts the next write.
//
// Messages travel as raw byte buffers: a response whose events the hub shares
// among watchers is its small serialized shell (header, watch_id) followed by
// the shared serialized events, which gRPC sends without a copy per watcher.
#ifndef RAFTKV_SERVER_WATCH_WATCH_STREAM_REACTOR_H_
#define RAFTKV_SERVER_WATCH_WATCH_STREAM_REACTOR_H_

#include <grpcpp/grpcpp.h>

#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "proto/rpc.pb.h"
#include "server/watch/watch_hub.h"
#include "server/watch/watch_server_context.h"
#include "server/watch/watch_stream_driver.h"

namespace raftkv::server::watch {

class WatchStreamReactor final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>,
                                 public DrivenStream,
                                 public std::enable_shared_from_this<WatchStreamReactor> {
 public:
  // Creates a reactor that owns itself until gRPC calls OnDone (the driver and
  // the hub only hold weak references). `context` and `driver` must outlive the
  // call; `require_leader`: the client sent "hasleader: true".
  static WatchStreamReactor* Start(const WatchServerContext* context, WatchStreamDriver* driver,
                                   std::shared_ptr<WatchStream> stream, bool require_leader);

  // Use Start; public only for std::make_shared.
  WatchStreamReactor(const WatchServerContext* context, std::shared_ptr<WatchStream> stream,
                     bool require_leader);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

  void Pump() override;
  void Tick(absl::Time now) override;

 private:
  // Every reaction and driver call runs under mu_, and so do the gRPC
  // operations they start: gRPC never runs this reactor's reactions inline
  // from a Start* call, and holding mu_ keeps any of them from following
  // Finish. Lock order: mu_, then the hub's locks (never the reverse: the
  // hub's ready callback only kicks the driver).
  void PumpLocked();
  // Takes what the hub has queued (header filled, fragmented if asked) into
  // pending_; false when the hub queue is empty or closed.
  bool TakeNextResponseLocked();
  class SharedSlices;
  // The responses of one watch, in order, as few messages as possible.
  void QueueWatchResponsesLocked(const std::vector<WatchStream::PoppedResponse*>& responses,
                                 SharedSlices* shared_slices);
  // This member's header with the response's own revision.
  void FillHeader(etcdserverpb::WatchResponse* response) const;

  // Responses taken from the hub at once (its stream buffer holds 1024).
  static constexpr size_t kMaxResponsesPerBatch = 4096;
  void RequestFinishLocked(grpc::Status status);
  void StartReadIfRoomLocked();
  // False when the request does not parse.
  bool HandleRequestLocked();
  absl::Duration JitteredProgressInterval() const;

  const WatchServerContext* const context_;
  const std::shared_ptr<WatchStream> stream_;
  const bool require_leader_;

  std::mutex mu_;
  absl::Time next_progress_tick_;
  absl::Time next_leader_check_;
  int checks_without_leader_ = 0;
  std::shared_ptr<WatchStreamReactor> self_;  // released in OnDone
  grpc::ByteBuffer request_;                  // target of the one outstanding read
  grpc::ByteBuffer writing_;                  // the one write in flight
  std::deque<grpc::ByteBuffer> pending_;      // fragments of a taken response
  // The header (member, term) is read once per burst of responses, not per
  // response: with many watchers one commit queues a response per watcher.
  etcdserverpb::ResponseHeader header_;
  bool in_burst_ = false;
  bool write_in_flight_ = false;
  bool read_paused_ = false;  // control buffer full: the next read waits for room
  bool finish_requested_ = false;
  bool finish_called_ = false;
  bool done_ = false;
  grpc::Status final_status_;
};

}  // namespace raftkv::server::watch

#endif  // RAFTKV_SERVER_WATCH_WATCH_STREAM_REACTOR_H_
