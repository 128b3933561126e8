// A Session is a lease kept alive in the background: the lifetime of the keys a process owns
// (lock keys, election candidacies, service registrations). When the process dies or is cut
// off longer than the TTL, the lease expires and those keys vanish.
#ifndef RAFTKV_CLIENT_SESSION_H_
#define RAFTKV_CLIENT_SESSION_H_

#include <chrono>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

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
  Session(Client* client, int64_t lease_id) : client_(client), lease_id_(lease_id) {}
  void MarkExpired();

  Client* client_;
  const int64_t lease_id_;
  mutable absl::Mutex mu_;
  bool expired_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace raftkv::client

#endif  // RAFTKV_CLIENT_SESSION_H_
