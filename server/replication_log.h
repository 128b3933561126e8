// The replicated log the server core proposes commands through.
//
// The single-member implementation (LocalReplicationLog) commits every appended command
// at once; the Raft-backed implementation replicates it to a quorum first. The core is
// written only against this interface, so swapping one for the other needs no rewiring.
#ifndef RAFTKV_SERVER_REPLICATION_LOG_H_
#define RAFTKV_SERVER_REPLICATION_LOG_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace raftkv::server {

class ReplicationLog {
 public:
  // Receives committed commands exactly in index order, on the log's apply thread,
  // one call at a time. Indexes are strictly increasing (gaps are allowed: indexes
  // used by entries that carry no command, e.g. Raft's empty leader entry, are skipped).
  using CommittedEntryHandler = std::function<void(uint64_t index, const std::string& command)>;

  struct Status {
    uint64_t term = 0;
    uint64_t leader_id = 0;  // 0 when there is no known leader
    uint64_t commit_index = 0;
  };

  virtual ~ReplicationLog() = default;

  // Starts delivering committed entries to `handler`. Called once, before Append.
  virtual absl::Status Start(CommittedEntryHandler handler) = 0;

  // Proposes `command`. OK means accepted for replication, not committed: the caller
  // learns the outcome when the command reaches the handler. Errors use etcd's texts
  // (e.g. "etcdserver: server stopped", "etcdserver: no leader").
  virtual absl::Status Append(std::string command) = 0;

  // For linearizable reads: an index such that every write acknowledged before this
  // call has an index <= it. The caller waits until applied >= index, then reads locally.
  virtual absl::StatusOr<uint64_t> ReadIndex() = 0;

  virtual Status GetStatus() const = 0;

  // Stops accepting appends, delivers what is already committed, then returns.
  virtual void Stop() = 0;
};

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_REPLICATION_LOG_H_
