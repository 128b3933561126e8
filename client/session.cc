#include "client/session.h"

#include "client/client.h"
#include "client/lease.h"

namespace raftkv::client {

absl::StatusOr<std::unique_ptr<Session>> Session::Create(Client* client, int64_t ttl_seconds,
                                                         int64_t lease_id) {
  if (lease_id == 0) {
    auto granted = client->lease().Grant(ttl_seconds);
    if (!granted.ok()) return granted.status();
    lease_id = granted->id();
  }
  std::unique_ptr<Session> session(new Session(client, lease_id));
  Session* raw = session.get();
  absl::Status kept = client->lease().KeepAlive(
      lease_id, [raw](int64_t, const absl::Status&) { raw->MarkExpired(); });
  if (!kept.ok()) return kept;
  return session;
}

Session::~Session() { Close().IgnoreError(); }

void Session::MarkExpired() {
  absl::MutexLock lock(&mu_);
  expired_ = true;
}

bool Session::Expired() const {
  absl::MutexLock lock(&mu_);
  return expired_;
}

bool Session::WaitExpired(std::chrono::milliseconds timeout) const {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&expired_), absl::FromChrono(timeout));
}

absl::Status Session::Close() {
  {
    absl::MutexLock lock(&mu_);
    if (closed_) return absl::OkStatus();
    closed_ = true;
  }
  // StopKeepAlive first: the lost-callback must not run on a destroyed session.
  client_->lease().StopKeepAlive(lease_id_);
  absl::Status revoked = client_->lease().Revoke(lease_id_);
  MarkExpired();
  return revoked;
}

void Session::Orphan() {
  client_->lease().StopKeepAlive(lease_id_);
  absl::MutexLock lock(&mu_);
  closed_ = true;
  expired_ = true;
}

}  // namespace raftkv::client
