// What the Watch service needs from the member.
#ifndef RAFTKV_SERVER_WATCH_WATCH_SERVER_CONTEXT_H_
#define RAFTKV_SERVER_WATCH_WATCH_SERVER_CONTEXT_H_

#include <cstddef>
#include <functional>

#include "absl/time/time.h"
#include "proto/rpc.pb.h"

namespace raftkv::server::watch {

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

}  // namespace raftkv::server::watch

#endif  // RAFTKV_SERVER_WATCH_WATCH_SERVER_CONTEXT_H_
