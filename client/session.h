// A Session is a lease kept alive in the background: the lifetime of the keys a process owns
// (lock keys, election candidacies, service registrations). When the process dies or is cut
// off longer than the TTL, the lease expires and those keys vanish.
#ifndef RAFTKV_CLIENT_SESSION_H_
#define RAFTKV_CLIENT_SESSION_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

#include "absl/status/statusor.h"

namespace raftkv::client {

class Client;

class Session {
 public:
  // etcd's default session TTL (etcdctl lock/elect use it too).
  static constexpr int64_t kDefaultTtlSeconds = 60;

  // Grants a lease of `ttl_seconds` (or adopts `lease_id` when non-zero) and keeps it alive.
  static absl::StatusOr<std::unique_ptr<Session>> Create(Client* client,
                                                         int64_t ttl_seconds = kDefaultTtlSeconds,
                                                         int64_t lease_id = 0);
  // Stops the keep-alive and revokes the lease (deleting its keys).
  ~Session();

  int64_t lease_id() const { return lease_id_; }
  Client* client() const { return client_; }
  // True once the lease is known to be gone (expired, revoked, or not renewed in time).
  bool Expired() const;
  // Waits until the lease is lost; false on timeout.
  bool WaitExpired(std::chrono::milliseconds timeout) const;
  // Revokes now; the session is expired afterwards.
  absl::Status Close();
  // Forgets the lease without revoking it (keys then live until the TTL runs out).
  void Orphan();

 private:
  // Shared with the keep-alive's lost-callback, which may still run while the session is
  // being destroyed.
  struct State {
    std::mutex mu;
    std::condition_variable expired_cv;
    bool expired ABSL_GUARDED_BY(mu) = false;
    bool closed ABSL_GUARDED_BY(mu) = false;
    void MarkExpired() {
      {
        std::unique_lock<std::mutex> lock(mu);
        expired = true;
      }
      expired_cv.notify_all();
    }
  };
  Session(Client* client, int64_t lease_id)
      : client_(client), lease_id_(lease_id), state_(std::make_shared<State>()) {}

  Client* client_;
  const int64_t lease_id_;
  std::shared_ptr<State> state_;
};

}  // namespace raftkv::client

#endif  // RAFTKV_CLIENT_SESSION_H_
