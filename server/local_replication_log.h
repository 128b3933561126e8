// Single-member ReplicationLog: every appended command is committed immediately.
//
// It persists nothing itself: the MVCC store records the applied index atomically with
// each change, and indexes continue from it after a restart.
#ifndef RAFTKV_SERVER_LOCAL_REPLICATION_LOG_H_
#define RAFTKV_SERVER_LOCAL_REPLICATION_LOG_H_

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include "server/replication_log.h"

namespace raftkv::server {

class LocalReplicationLog : public ReplicationLog {
 public:
  struct Options {
    uint64_t member_id = 0;
    uint64_t last_applied_index = 0;  // the first appended command gets this + 1
    size_t max_pending = 4096;        // Append blocks while this many wait to be applied
  };

  explicit LocalReplicationLog(Options options);
  ~LocalReplicationLog() override;

  absl::Status Start(CommittedEntryHandler handler) override;
  absl::Status Append(std::string command) override;
  absl::StatusOr<uint64_t> ReadIndex() override;
  Status GetStatus() const override;
  void Stop() override;

 private:
  void ApplyLoop();

  const Options options_;
  CommittedEntryHandler handler_;
  std::thread apply_thread_;

  mutable std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<std::pair<uint64_t, std::string>> pending_;
  uint64_t last_index_;
  bool started_ = false;
  bool stopping_ = false;
};

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_LOCAL_REPLICATION_LOG_H_
