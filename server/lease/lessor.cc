#include "server/lease/lessor.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <set>
#include <utility>

#include "server/lease/lease_errors.h"

namespace raftkv::server::lease {

absl::StatusOr<std::unique_ptr<Lessor>> Lessor::Open(std::unique_ptr<LeaseStore> store,
                                                     const Clock* clock, LessorOptions options) {
  absl::StatusOr<std::vector<LeaseRecord>> records = store->LoadAll();
  if (!records.ok()) return records.status();
  std::unique_ptr<Lessor> lessor(new Lessor(std::move(store), clock, options));
  for (const LeaseRecord& record : *records) {
    Lease& lease = lessor->leases_[record.id];
    lease.ttl = std::max(record.ttl, options.min_ttl_seconds);
    lease.remaining_ttl = record.remaining_ttl;
  }
  return lessor;
}

Lessor::Lessor(std::unique_ptr<LeaseStore> store, const Clock* clock, LessorOptions options)
    : store_(std::move(store)), clock_(clock), options_(options) {}

uint64_t Lessor::AppliedIndex() const {
  std::lock_guard<std::mutex> lock(mu_);
  return store_->AppliedIndex();
}

void Lessor::StartCountdownLocked(Lease* lease, absl::Duration extend) {
  lease->expiry = clock_->Now() + extend + absl::Seconds(lease->CountdownSeconds());
  lease->next_report = lease->expiry;
}

absl::StatusOr<Lessor::Granted> Lessor::Grant(int64_t id, int64_t ttl, uint64_t index) {
  std::lock_guard<std::mutex> lock(mu_);
  if (AlreadyApplied(index)) {
    auto it = leases_.find(id);
    if (it == leases_.end()) return Granted{id, std::max(ttl, options_.min_ttl_seconds)};
    return Granted{id, it->second.ttl};
  }
  if (id == 0) return LeaseNotFoundError();
  if (ttl > kMaxLeaseTtl) return LeaseTtlTooLargeError();
  if (leases_.count(id) != 0) return LeaseExistsError();
  Lease lease;
  lease.ttl = std::max(ttl, options_.min_ttl_seconds);
  absl::Status persisted = store_->Commit({LeaseRecord{id, lease.ttl, 0}}, {}, index);
  if (!persisted.ok()) return persisted;
  if (primary_) StartCountdownLocked(&lease, absl::ZeroDuration());
  const int64_t granted_ttl = lease.ttl;
  leases_.emplace(id, std::move(lease));
  return Granted{id, granted_ttl};
}

std::vector<LeaseRecord> Lessor::Export() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (absl::Status synced = store_->Sync(); !synced.ok()) {
    std::fprintf(stderr, "lessor: cannot make the lease store durable: %s\n",
                 synced.ToString().c_str());
    std::abort();
  }
  std::vector<LeaseRecord> out;
  for (const auto& [id, lease] : leases_) out.push_back({id, lease.ttl, lease.remaining_ttl});
  return out;
}

absl::Status Lessor::ReplaceAll(const std::vector<LeaseRecord>& leases, uint64_t index) {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<int64_t> kept;
  for (const LeaseRecord& record : leases) kept.insert(record.id);
  std::vector<int64_t> deletes;  // only ids that disappear: a batch applies deletes last
  for (const auto& [id, lease] : leases_) {
    if (!kept.count(id)) deletes.push_back(id);
  }
  absl::Status persisted = store_->Commit(leases, deletes, index);
  if (!persisted.ok()) return persisted;
  leases_.clear();
  lease_of_key_.clear();
  for (const LeaseRecord& record : leases) {
    Lease lease;
    lease.ttl = record.ttl;
    lease.remaining_ttl = record.remaining_ttl;
    if (primary_) StartCountdownLocked(&lease, absl::ZeroDuration());
    leases_.emplace(record.id, std::move(lease));
  }
  return absl::OkStatus();
}

absl::Status Lessor::Revoke(int64_t id, uint64_t index) {
  std::lock_guard<std::mutex> lock(mu_);
  if (AlreadyApplied(index)) return absl::OkStatus();
  auto it = leases_.find(id);
  if (it == leases_.end()) return LeaseNotFoundError();
  absl::Status persisted = store_->Commit({}, {id}, index);
  if (!persisted.ok()) return persisted;
  for (const std::string& key : it->second.keys) lease_of_key_.erase(key);
  leases_.erase(it);
  return absl::OkStatus();
}

absl::Status Lessor::Checkpoint(int64_t id, int64_t remaining_ttl, uint64_t index) {
  std::lock_guard<std::mutex> lock(mu_);
  if (AlreadyApplied(index)) return absl::OkStatus();
  auto it = leases_.find(id);
  if (it == leases_.end()) return absl::OkStatus();  // revoked meanwhile: etcd ignores it
  absl::Status persisted =
      store_->Commit({LeaseRecord{id, it->second.ttl, remaining_ttl}}, {}, index);
  if (!persisted.ok()) return persisted;
  it->second.remaining_ttl = remaining_ttl;
  return absl::OkStatus();
}

absl::Status Lessor::Attach(int64_t id, const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = leases_.find(id);
  if (it == leases_.end()) return LeaseNotFoundError();
  auto previous = lease_of_key_.find(key);
  if (previous != lease_of_key_.end() && previous->second != id) {
    auto old = leases_.find(previous->second);
    if (old != leases_.end()) old->second.keys.erase(key);
  }
  it->second.keys.insert(key);
  lease_of_key_[key] = id;
  return absl::OkStatus();
}

absl::Status Lessor::Detach(int64_t id, const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = leases_.find(id);
  if (it == leases_.end()) return LeaseNotFoundError();
  DetachLocked(&it->second, key);
  return absl::OkStatus();
}

void Lessor::DetachLocked(Lease* lease, const std::string& key) {
  if (lease->keys.erase(key) != 0) lease_of_key_.erase(key);
}

int64_t Lessor::LeaseOfKey(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = lease_of_key_.find(key);
  return it == lease_of_key_.end() ? 0 : it->second;
}

absl::StatusOr<std::vector<std::string>> Lessor::Keys(int64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = leases_.find(id);
  if (it == leases_.end()) return LeaseNotFoundError();
  return std::vector<std::string>(it->second.keys.begin(), it->second.keys.end());
}

bool Lessor::Exists(int64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return leases_.count(id) != 0;
}

void Lessor::Promote(absl::Duration extend) {
  std::lock_guard<std::mutex> lock(mu_);
  primary_ = true;
  for (auto& [id, lease] : leases_) StartCountdownLocked(&lease, extend);
}

void Lessor::Demote() {
  std::lock_guard<std::mutex> lock(mu_);
  primary_ = false;
  for (auto& [id, lease] : leases_) {
    lease.expiry = absl::InfiniteFuture();
    lease.next_report = absl::InfiniteFuture();
  }
}

bool Lessor::IsPrimary() const {
  std::lock_guard<std::mutex> lock(mu_);
  return primary_;
}

absl::StatusOr<int64_t> Lessor::Renew(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!primary_) return NotPrimaryError();
  auto it = leases_.find(id);
  if (it == leases_.end()) return LeaseNotFoundError();
  // etcd waits for the pending revoke of an expired lease, then says not found.
  if (clock_->Now() >= it->second.expiry) return LeaseNotFoundError();
  it->second.remaining_ttl = 0;  // a keepalive supersedes any checkpoint
  StartCountdownLocked(&it->second, absl::ZeroDuration());
  return it->second.ttl;
}

std::vector<int64_t> Lessor::ExpiredLeases(size_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<int64_t> expired;
  if (!primary_) return expired;
  const absl::Time now = clock_->Now();
  for (auto& [id, lease] : leases_) {
    if (expired.size() >= limit) break;
    if (now < lease.expiry || now < lease.next_report) continue;
    lease.next_report = now + options_.expired_retry_interval;
    expired.push_back(id);
  }
  return expired;
}

absl::StatusOr<etcdserverpb::LeaseTimeToLiveResponse> Lessor::TimeToLive(int64_t id,
                                                                         bool with_keys) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = leases_.find(id);
  if (it == leases_.end()) return LeaseNotFoundError();
  const Lease& lease = it->second;
  etcdserverpb::LeaseTimeToLiveResponse response;
  response.set_id(id);
  // Like etcd, a non-expiring (non-primary) lease reports max-duration seconds.
  const int64_t remaining = lease.expiry == absl::InfiniteFuture()
                                ? std::numeric_limits<int64_t>::max() / 1'000'000'000
                                : absl::ToInt64Seconds(lease.expiry - clock_->Now());
  response.set_ttl(remaining);
  response.set_grantedttl(lease.ttl);
  if (with_keys) {
    for (const std::string& key : lease.keys) response.add_keys(key);
  }
  return response;
}

std::vector<int64_t> Lessor::Leases() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<absl::Time, int64_t>> by_expiry;
  for (const auto& [id, lease] : leases_) by_expiry.emplace_back(lease.expiry, id);
  std::sort(by_expiry.begin(), by_expiry.end());
  std::vector<int64_t> ids;
  for (const auto& entry : by_expiry) ids.push_back(entry.second);
  return ids;
}

}  // namespace raftkv::server::lease
