// Ends a long-lived stream (a watch) whose member has lost its leader. etcd does this on the
// server for streams opened with the "hasleader" metadata; a server that ignores it (raftkv,
// see client/README.md) would leave the stream open but silent forever on a member that is
// partitioned from its cluster, since that member receives no new entries. The watchdog asks
// the member itself (Maintenance.Status on the stream's own channel) and cancels the stream
// when it reports no leader, or does not answer, twice in a row; the watch then resumes on
// another member.
#ifndef RAFTKV_CLIENT_LEADER_WATCHDOG_H_
#define RAFTKV_CLIENT_LEADER_WATCHDOG_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "client/endpoint.h"

namespace raftkv::client {

struct LeaderWatchdogOptions {
  // How often the member is asked; zero disables the watchdog.
  std::chrono::milliseconds interval{1000};
  // Failed probes in a row before the stream is cancelled. One miss may be an election.
  int misses_to_cancel = 2;
};

class LeaderWatchdog {
 public:
  // Starts probing `endpoint` in the background; cancels `stream` on too many misses.
  LeaderWatchdog(std::shared_ptr<Endpoint> endpoint, std::shared_ptr<grpc::ClientContext> stream,
                 LeaderWatchdogOptions options);
  // Stops probing (waits for a probe in flight, bounded by the interval).
  ~LeaderWatchdog();
  LeaderWatchdog(const LeaderWatchdog&) = delete;
  LeaderWatchdog& operator=(const LeaderWatchdog&) = delete;

  // True once the watchdog has cancelled the stream.
  bool fired() const;

 private:
  void Run();
  // One Status call: true when the member answered and named a leader.
  bool MemberHasLeader();

  const std::shared_ptr<Endpoint> endpoint_;
  const std::shared_ptr<grpc::ClientContext> stream_;
  const LeaderWatchdogOptions options_;

  mutable std::mutex mu_;
  std::condition_variable stop_requested_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool fired_ ABSL_GUARDED_BY(mu_) = false;
  std::thread worker_;
};

}  // namespace raftkv::client

#endif  // RAFTKV_CLIENT_LEADER_WATCHDOG_H_
