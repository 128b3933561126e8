#include "server/local_replication_log.h"

#include "server/etcd_errors.h"

namespace raftkv::server {

LocalReplicationLog::LocalReplicationLog(Options options)
    : options_(options), last_index_(options.last_applied_index) {}

LocalReplicationLog::~LocalReplicationLog() { Stop(); }

absl::Status LocalReplicationLog::Start(CommittedEntryHandler handler) {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) return absl::FailedPreconditionError("replication log already started");
  handler_ = std::move(handler);
  started_ = true;
  apply_thread_ = std::thread([this] { ApplyLoop(); });
  return absl::OkStatus();
}

absl::Status LocalReplicationLog::Append(std::string command) {
  std::unique_lock<std::mutex> lock(mu_);
  // Back-pressure: a bounded queue keeps a burst of clients from growing memory
  // without limit while the apply thread catches up.
  not_full_.wait(lock, [&] { return stopping_ || pending_.size() < options_.max_pending; });
  if (stopping_ || !started_) return etcd_errors::Stopped();
  pending_.emplace_back(++last_index_, std::move(command));
  not_empty_.notify_one();
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> LocalReplicationLog::ReadIndex() {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return etcd_errors::Stopped();
  // Alone in the cluster, everything appended is committed.
  return last_index_;
}

ReplicationLog::Status LocalReplicationLog::GetStatus() const {
  std::lock_guard<std::mutex> lock(mu_);
  return Status{/*term=*/1, options_.member_id, last_index_};
}

void LocalReplicationLog::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  not_empty_.notify_all();
  not_full_.notify_all();
  if (apply_thread_.joinable()) apply_thread_.join();
}

void LocalReplicationLog::ApplyLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    not_empty_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (pending_.empty()) return;  // stopping and fully drained
    // Take the whole batch at once so appenders are not blocked during apply.
    std::deque<std::pair<uint64_t, std::string>> batch;
    batch.swap(pending_);
    not_full_.notify_all();
    lock.unlock();
    for (const auto& [index, command] : batch) handler_(index, command);
    lock.lock();
  }
}

}  // namespace raftkv::server
