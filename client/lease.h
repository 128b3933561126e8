// Lease calls and background keep-alive. Keep-alives are sent every TTL/3 from one thread
// per client; each renewal is a short keep-alive stream that fails over like a read.
#ifndef RAFTKV_CLIENT_LEASE_H_
#define RAFTKV_CLIENT_LEASE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "proto/rpc.pb.h"

namespace raftkv::client {

class Client;

class Lease {
 public:
  explicit Lease(Client* client) : client_(client) {}
  ~Lease();
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  // `id` 0 lets the server choose.
  absl::StatusOr<etcdserverpb::LeaseGrantResponse> Grant(int64_t ttl_seconds, int64_t id = 0);
  absl::Status Revoke(int64_t id);
  absl::StatusOr<etcdserverpb::LeaseTimeToLiveResponse> TimeToLive(int64_t id,
                                                                   bool with_keys = false);
  absl::StatusOr<etcdserverpb::LeaseLeasesResponse> Leases();
  // One renewal. A response with ttl <= 0 means the lease no longer exists.
  absl::StatusOr<etcdserverpb::LeaseKeepAliveResponse> KeepAliveOnce(int64_t id);

  // Called once when a kept-alive lease is lost: NotFound when the server says it expired or
  // was revoked, DeadlineExceeded when no renewal got through before its TTL ran out.
  using LostCallback = std::function<void(int64_t id, const absl::Status& why)>;
  // Renews `id` in the background until StopKeepAlive(id) or until it is lost. Fails at once
  // if the first renewal fails.
  absl::Status KeepAlive(int64_t id, LostCallback on_lost);
  void StopKeepAlive(int64_t id);

 private:
  using Clock = std::chrono::steady_clock;
  struct KeptLease {
    int64_t ttl_seconds = 0;
    Clock::time_point next_renewal;
    Clock::time_point expires;  // local, conservative estimate
    LostCallback on_lost;
  };

  void Schedule(KeptLease& lease, Clock::time_point sent, int64_t ttl_seconds);
  void RenewLoop();
  void RenewDue();

  Client* client_;
  std::mutex mu_;
  std::condition_variable stop_cv_;
  std::map<int64_t, KeptLease> kept_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread renewer_;
};

}  // namespace raftkv::client

#endif  // RAFTKV_CLIENT_LEASE_H_
