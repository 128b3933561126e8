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
  absl::Status kept = client->lease().KeepAlive(
      lease_id, [state = session->state_](int64_t, const absl::Status&) { state->MarkExpired(); });
  if (!kept.ok()) return kept;
  return session;
}

Session::~Session() { Close().IgnoreError(); }

bool Session::Expired() const {
  std::unique_lock<std::mutex> lock(state_->mu);
  return state_->expired;
}

bool Session::WaitExpired(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(state_->mu);
  return state_->expired_cv.wait_for(lock, timeout, [this] { return state_->expired; });
}

absl::Status Session::Close() {
  {
    std::unique_lock<std::mutex> lock(state_->mu);
    if (state_->closed) return absl::OkStatus();
    state_->closed = true;
  }
  // StopKeepAlive first: the lost-callback must not run on a destroyed session.
  client_->lease().StopKeepAlive(lease_id_);
  absl::Status revoked = client_->lease().Revoke(lease_id_);
  state_->MarkExpired();
  return revoked;
}

void Session::Orphan() {
  client_->lease().StopKeepAlive(lease_id_);
  std::unique_lock<std::mutex> lock(state_->mu);
  state_->closed = true;
  state_->expired = true;
  state_->expired_cv.notify_all();
}

}  // namespace raftkv::client
