// The raftkv/etcd v3 client: a set of member endpoints with failover. Calls go to a pinned
// member; when it is unreachable or leaderless the call moves to the next member, as far as
// the call's RetryPolicy allows. Members are discovered with Cluster.MemberList.
#ifndef RAFTKV_CLIENT_CLIENT_H_
#define RAFTKV_CLIENT_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/endpoint.h"
#include "client/leader_watchdog.h"
#include "client/retry_policy.h"
#include "proto/rpc.pb.h"

namespace raftkv::client {

class KV;
class Lease;
class Watcher;

struct ClientOptions {
  std::vector<std::string> endpoints;               // "host:port" or "http://host:port"
  std::chrono::milliseconds dial_timeout{2000};     // per attempt, to establish a connection
  std::chrono::milliseconds request_timeout{5000};  // per attempt, once connected
  // Attempts per call before giving up; 0 means two rounds over all known endpoints.
  int max_attempts = 0;
  // Replace the endpoint list with the members' advertised client URLs at connect time.
  bool discover_members = true;
  ChannelTuning channel;
  // Watches end their stream and resume elsewhere when their member has no leader.
  LeaderWatchdogOptions watch_leader_check;
};

class Client {
 public:
  // Connects to the first reachable endpoint (and discovers the other members).
  static absl::StatusOr<std::unique_ptr<Client>> Connect(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  KV& kv() { return *kv_; }
  Lease& lease() { return *lease_; }
  Watcher& watcher() { return *watcher_; }

  // Cluster and maintenance calls (repeatable).
  absl::StatusOr<etcdserverpb::MemberListResponse> MemberList();
  // Membership changes (not repeated on another member once sent: a second copy could add
  // a second member). `id`s are raft member ids.
  absl::StatusOr<etcdserverpb::MemberAddResponse> MemberAdd(
      const std::vector<std::string>& peer_urls, bool is_learner = false);
  absl::StatusOr<etcdserverpb::MemberRemoveResponse> MemberRemove(uint64_t id);
  absl::StatusOr<etcdserverpb::MemberUpdateResponse> MemberUpdate(
      uint64_t id, const std::vector<std::string>& peer_urls);
  absl::StatusOr<etcdserverpb::MemberPromoteResponse> MemberPromote(uint64_t id);
  // Status of one specific member, without failover.
  absl::StatusOr<etcdserverpb::StatusResponse> Status(const std::string& endpoint);
  // Refreshes the endpoint list from MemberList.
  absl::Status SyncMembers();

  std::vector<std::string> Endpoints() const;
  // The member calls currently go to.
  std::string PinnedEndpoint() const;
  const ClientOptions& options() const { return options_; }

  // One attempt of an RPC against `endpoint` with a prepared context.
  using Attempt = std::function<grpc::Status(Endpoint& endpoint, grpc::ClientContext& context)>;
  // Runs `attempt` on the pinned member, moving to other members when `policy` allows.
  absl::Status Call(RetryPolicy policy, const Attempt& attempt);

  // For long-lived streams (watch, keep-alive): a connected endpoint, starting after the
  // pinned one when `avoid` (the one that just failed) is given.
  absl::StatusOr<std::shared_ptr<Endpoint>> ConnectedEndpoint(const Endpoint* avoid = nullptr);
  // Records that `endpoint` failed so the next calls prefer another member.
  void ReportFailure(const Endpoint& endpoint);

 private:
  explicit Client(ClientOptions options);
  std::shared_ptr<Endpoint> Pick(int attempt);
  int MaxAttempts() const;
  void SetEndpoints(const std::vector<std::string>& addresses);

  const ClientOptions options_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Endpoint>> endpoints_ ABSL_GUARDED_BY(mu_);
  size_t pinned_ ABSL_GUARDED_BY(mu_) = 0;

  std::unique_ptr<KV> kv_;
  std::unique_ptr<Lease> lease_;
  std::unique_ptr<Watcher> watcher_;
};

}  // namespace raftkv::client

#endif  // RAFTKV_CLIENT_CLIENT_H_
