// Construction parameters of one Raft node.
#ifndef RAFTKV_RAFT_CONFIG_H_
#define RAFTKV_RAFT_CONFIG_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "raft/storage.h"

namespace raftkv::raft {

struct Config {
  // This node's id; must not be 0.
  uint64_t id = 0;
  // Ticks without hearing from a leader before a follower campaigns. The actual
  // timeout is randomized in [election_tick, 2 * election_tick).
  int election_tick = 10;
  // Ticks between leader heartbeats; must be smaller than election_tick.
  int heartbeat_tick = 1;
  // Durable state; not owned, must outlive the node.
  Storage* storage = nullptr;
  // Last index the application has applied (on restart). Committed entries after it
  // are handed out again; configuration changes up to it are replayed by raft itself.
  uint64_t applied = 0;
  // Byte cap of one AppendEntries message (at least one entry is always sent).
  uint64_t max_size_per_msg = 1 << 20;
  // Byte cap of the committed entries handed out in one Ready.
  uint64_t max_committed_size_per_ready = 64 << 20;
  // AppendEntries messages in flight to one follower before the leader waits for acks.
  int max_inflight_msgs = 256;
  // A leader that hears from no quorum within an election timeout steps down; and
  // followers that heard from a leader recently ignore vote requests.
  bool check_quorum = true;
  // Run a pre-election (thesis §9.6) so partitioned nodes do not inflate terms.
  bool pre_vote = true;
  // Seed of the election-timeout randomization (deterministic for tests).
  uint64_t random_seed = 0;
  // Optional debug logger; raft stays free of any logging library.
  std::function<void(const std::string&)> logger;

  absl::Status Validate() const;
};

}  // namespace raftkv::raft

#endif  // RAFTKV_RAFT_CONFIG_H_
