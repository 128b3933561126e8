#include "client/lease.h"

#include <vector>

#include "client/client.h"

namespace raftkv::client {
namespace {

// Retry pace after a failed renewal while the lease is still believed alive.
constexpr std::chrono::milliseconds kRetryAfterFailure{300};

}  // namespace

Lease::~Lease() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (renewer_.joinable()) renewer_.join();
}

absl::StatusOr<etcdserverpb::LeaseGrantResponse> Lease::Grant(int64_t ttl_seconds, int64_t id) {
  etcdserverpb::LeaseGrantRequest request;
  request.set_ttl(ttl_seconds);
  request.set_id(id);
  etcdserverpb::LeaseGrantResponse response;
  absl::Status status =
      client_->Call(RetryPolicy::kRepeatable, [&](Endpoint& e, grpc::ClientContext& c) {
        return e.lease().LeaseGrant(&c, request, &response);
      });
  if (!status.ok()) return status;
  if (!response.error().empty()) return absl::InternalError(response.error());
  return response;
}

absl::Status Lease::Revoke(int64_t id) {
  StopKeepAlive(id);
  etcdserverpb::LeaseRevokeRequest request;
  request.set_id(id);
  etcdserverpb::LeaseRevokeResponse response;
  return client_->Call(RetryPolicy::kRepeatable, [&](Endpoint& e, grpc::ClientContext& c) {
    return e.lease().LeaseRevoke(&c, request, &response);
  });
}

absl::StatusOr<etcdserverpb::LeaseTimeToLiveResponse> Lease::TimeToLive(int64_t id,
                                                                        bool with_keys) {
  etcdserverpb::LeaseTimeToLiveRequest request;
  request.set_id(id);
  request.set_keys(with_keys);
  etcdserverpb::LeaseTimeToLiveResponse response;
  absl::Status status =
      client_->Call(RetryPolicy::kRepeatable, [&](Endpoint& e, grpc::ClientContext& c) {
        return e.lease().LeaseTimeToLive(&c, request, &response);
      });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<etcdserverpb::LeaseLeasesResponse> Lease::Leases() {
  etcdserverpb::LeaseLeasesResponse response;
  absl::Status status =
      client_->Call(RetryPolicy::kRepeatable, [&](Endpoint& e, grpc::ClientContext& c) {
        return e.lease().LeaseLeases(&c, etcdserverpb::LeaseLeasesRequest(), &response);
      });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<etcdserverpb::LeaseKeepAliveResponse> Lease::KeepAliveOnce(int64_t id) {
  etcdserverpb::LeaseKeepAliveRequest request;
  request.set_id(id);
  etcdserverpb::LeaseKeepAliveResponse response;
  absl::Status status =
      client_->Call(RetryPolicy::kRepeatable, [&](Endpoint& e, grpc::ClientContext& c) {
        auto stream = e.lease().LeaseKeepAlive(&c);
        if (stream->Write(request) && stream->Read(&response)) {
          // The stream was only needed for one round trip; closing it from our side avoids
          // racing the server's reply against a half-close.
          c.TryCancel();
          stream->Finish();
          return grpc::Status::OK;
        }
        return stream->Finish();
      });
  if (!status.ok()) return status;
  return response;
}

void Lease::Schedule(KeptLease& lease, Clock::time_point sent, int64_t ttl_seconds) {
  lease.ttl_seconds = ttl_seconds;
  lease.expires = sent + std::chrono::seconds(ttl_seconds);
  lease.next_renewal = sent + std::chrono::milliseconds(ttl_seconds * 1000 / 3);
}

absl::Status Lease::KeepAlive(int64_t id, LostCallback on_lost) {
  const Clock::time_point sent = Clock::now();
  auto first = KeepAliveOnce(id);
  if (!first.ok()) return first.status();
  if (first->ttl() <= 0) return absl::NotFoundError("lease expired or revoked");
  std::unique_lock<std::mutex> lock(mu_);
  KeptLease& lease = kept_[id];
  lease.on_lost = std::move(on_lost);
  Schedule(lease, sent, first->ttl());
  if (!renewer_.joinable()) renewer_ = std::thread([this] { RenewLoop(); });
  return absl::OkStatus();
}

void Lease::StopKeepAlive(int64_t id) {
  std::unique_lock<std::mutex> lock(mu_);
  kept_.erase(id);
}

void Lease::RenewLoop() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      auto wake = Clock::now() + std::chrono::milliseconds(100);
      for (const auto& [id, lease] : kept_) wake = std::min(wake, lease.next_renewal);
      // Waking at least every 100ms keeps shutdown prompt without a second condition.
      stop_cv_.wait_until(lock, wake, [this] { return stopping_; });
      if (stopping_) return;
    }
    RenewDue();
  }
}

void Lease::RenewDue() {
  std::vector<int64_t> due;
  {
    std::unique_lock<std::mutex> lock(mu_);
    const auto now = Clock::now();
    for (const auto& [id, lease] : kept_) {
      if (lease.next_renewal <= now) due.push_back(id);
    }
  }
  for (int64_t id : due) {
    const Clock::time_point sent = Clock::now();
    auto response = KeepAliveOnce(id);
    LostCallback lost;
    absl::Status why;
    {
      std::unique_lock<std::mutex> lock(mu_);
      auto it = kept_.find(id);
      if (it == kept_.end()) continue;  // stopped meanwhile
      KeptLease& lease = it->second;
      if (response.ok() && response->ttl() > 0) {
        Schedule(lease, sent, response->ttl());
        continue;
      }
      if (response.ok()) {
        why = absl::NotFoundError("lease expired or revoked");
      } else if (Clock::now() >= lease.expires) {
        why = absl::DeadlineExceededError("lease not renewed before its TTL ran out: " +
                                          std::string(response.status().message()));
      } else {
        lease.next_renewal = Clock::now() + kRetryAfterFailure;
        continue;
      }
      lost = std::move(lease.on_lost);
      kept_.erase(it);
    }
    if (lost) lost(id, why);
  }
}

}  // namespace raftkv::client
