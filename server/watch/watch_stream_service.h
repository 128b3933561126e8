// etcdserverpb.Watch over gRPC's synchronous API: the handler thread reads
// requests, one writer thread per stream drains the hub's bounded queue.
#ifndef RAFTKV_SERVER_WATCH_WATCH_STREAM_SERVICE_H_
#define RAFTKV_SERVER_WATCH_WATCH_STREAM_SERVICE_H_

#include <cstddef>
#include <functional>
#include <vector>

#include "absl/time/time.h"
#include "proto/rpc.grpc.pb.h"
#include "server/watch/watch_hub.h"

namespace raftkv::server::watch {

// What the Watch service needs from the member.
struct WatchServerContext {
  // cluster_id, member_id, raft_term for response headers; the revision is
  // always the hub's.
  std::function<etcdserverpb::ResponseHeader()> header;
  // Idle progress_notify period (etcd: 10 min, plus up to 10% jitter).
  absl::Duration progress_interval = absl::Minutes(10);
  // Responses of fragment-enabled watches are split above this size
  // (etcd: max request bytes 1.5 MiB + 512 KiB gRPC overhead).
  size_t max_response_bytes = 2 * 1024 * 1024;
  // Whether this member currently knows a leader (unset: always). Streams opened with
  // the metadata "hasleader: true" (clientv3.WithRequireLeader, used by Kubernetes) are
  // refused without a leader and ended once it has been missing for `leader_lost_checks`
  // checks in a row, so a client on a partitioned member moves elsewhere (as etcd does).
  std::function<bool()> has_leader;
  absl::Duration leader_check_interval = absl::Seconds(1);
  int leader_lost_checks = 3;
};

// Splits a response into fragments no larger than max_bytes where possible
// (one event per fragment at least); every fragment but the last has
// fragment=true. Responses under the limit or with < 2 events stay whole.
std::vector<etcdserverpb::WatchResponse> FragmentWatchResponse(
    const etcdserverpb::WatchResponse& response, size_t max_bytes);

class WatchStreamService final : public etcdserverpb::Watch::Service {
 public:
  // `hub` must outlive the service.
  WatchStreamService(WatchHub* hub, WatchServerContext context);

  grpc::Status Watch(grpc::ServerContext* context,
                     grpc::ServerReaderWriter<etcdserverpb::WatchResponse,
                                              etcdserverpb::WatchRequest>* stream) override;

 private:
  // Returns false when the stream was ended because the member lost its leader.
  bool WriteLoop(grpc::ServerContext* context,
                 grpc::ServerReaderWriter<etcdserverpb::WatchResponse, etcdserverpb::WatchRequest>*
                     grpc_stream,
                 WatchStream* watch_stream, bool require_leader);
  bool RequiresLeader(const grpc::ServerContext& context) const;
  // Not corked with gRPC's buffer_hint: with the synchronous API a hinted Write does not
  // return until something flushes it, and only this thread could.
  bool Send(grpc::ServerReaderWriter<etcdserverpb::WatchResponse, etcdserverpb::WatchRequest>*
                grpc_stream,
            etcdserverpb::WatchResponse response, bool fragment,
            const etcdserverpb::ResponseHeader& header);
  etcdserverpb::ResponseHeader CurrentHeader() const;
  absl::Duration JitteredProgressInterval() const;

  WatchHub* const hub_;
  const WatchServerContext context_;
};

}  // namespace raftkv::server::watch

#endif  // RAFTKV_SERVER_WATCH_WATCH_STREAM_SERVICE_H_
