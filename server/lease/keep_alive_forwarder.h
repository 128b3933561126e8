// Forwards lease keep-alives from a follower to the leader over one long-lived
// LeaseKeepAlive stream (etcd's lease keep-alive proxying does the same),
// instead of opening a gRPC stream per keep-alive. Concurrent callers share the
// stream: requests are written in order and the leader answers a keep-alive
// stream in order, so answers are matched to callers first-in first-out.
#ifndef RAFTKV_SERVER_LEASE_KEEP_ALIVE_FORWARDER_H_
#define RAFTKV_SERVER_LEASE_KEEP_ALIVE_FORWARDER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"

namespace raftkv::server::lease {

class KeepAliveForwarder {
 public:
  // The current leader's client channel, or an error (e.g. no leader). A
  // different channel than the stream's (the leader changed) opens a new stream.
  using LeaderChannel = std::function<absl::StatusOr<std::shared_ptr<grpc::Channel>>()>;

  explicit KeepAliveForwarder(LeaderChannel leader, absl::Duration timeout = absl::Seconds(5));
  ~KeepAliveForwarder();
  KeepAliveForwarder(const KeepAliveForwarder&) = delete;
  KeepAliveForwarder& operator=(const KeepAliveForwarder&) = delete;

  // The leader's answer: the lease's TTL, LeaseNotFoundError() when the leader
  // answered TTL 0, or Unavailable / DeadlineExceeded when the stream failed or
  // the leader did not answer within the timeout.
  absl::StatusOr<int64_t> Renew(int64_t id);

 private:
  class Stream;
  std::shared_ptr<Stream> StreamTo(const std::shared_ptr<grpc::Channel>& channel);

  const LeaderChannel leader_;
  const absl::Duration timeout_;
  std::mutex mu_;
  std::shared_ptr<Stream> stream_;
};

}  // namespace raftkv::server::lease

#endif  // RAFTKV_SERVER_LEASE_KEEP_ALIVE_FORWARDER_H_
