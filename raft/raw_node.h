// The application-facing handle of one Raft node (the etcd RawNode shape): feed it
// ticks, messages and proposals; collect Ready batches of work; call Advance.
// Not thread-safe: drive it from a single loop.
#ifndef RAFTKV_RAFT_RAW_NODE_H_
#define RAFTKV_RAFT_RAW_NODE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "raft/config.h"
#include "raft/raft.h"
#include "raft/ready.h"
#include "raft/util.h"

namespace raftkv::raft {

struct PeerProgress {
  uint64_t match = 0;
  uint64_t next = 0;
  ProgressState state = ProgressState::kProbe;
  bool is_learner = false;
  bool recent_active = false;
};

struct NodeStatus {
  uint64_t id = 0;
  uint64_t term = 0;
  uint64_t vote = 0;
  uint64_t commit = 0;
  uint64_t applied = 0;
  uint64_t lead = kNone;
  StateRole role = StateRole::kFollower;
  bool is_learner = false;
  uint64_t lead_transferee = kNone;
  // Filled on the leader only.
  std::map<uint64_t, PeerProgress> progress;
  ConfState conf_state;
};

class RawNode {
 public:
  // bootstrap_peers: the voters of a brand-new cluster (storage must be empty); they
  // become committed ConfChange entries 1..n that the application persists and
  // applies like any other. Empty when restarting from storage or joining an
  // existing cluster (the leader then sends the log or a snapshot).
  static absl::StatusOr<std::unique_ptr<RawNode>> Create(
      const Config& config, const std::vector<uint64_t>& bootstrap_peers);

  void Tick();
  // Starts an election now (skipping the randomized timeout).
  absl::Status Campaign();
  // Proposes a command. On a follower it is forwarded to the leader; fails with
  // "raft proposal dropped" when no leader is known or a leader transfer is underway.
  absl::Status Propose(std::string data);
  // Proposes several commands as one message: they are appended (and replicated)
  // together, in order, at the cost of a single proposal. All or none are accepted.
  absl::Status ProposeBatch(std::vector<std::string> data);
  // Proposes a membership change; refused while a previous one is not yet applied.
  absl::Status ProposeConfChange(const ConfChange& cc);
  // Feeds a message received from a peer.
  absl::Status Step(const Message& m);
  // Same, moving the message's entries into the log instead of copying them.
  absl::Status Step(Message&& m);
  // Requests a linearizable read point; answered through Ready::read_states with `ctx`
  // (which must be unique among pending requests). Silently dropped when no leader is
  // known: the caller retries after its own timeout.
  void ReadIndex(std::string ctx);
  void TransferLeader(uint64_t transferee);
  // Applies a committed ConfChange entry; call it from the apply path, before Advance.
  ConfState ApplyConfChange(const ConfChange& cc);

  bool HasReady() const;
  // Collects pending work. Call Advance(ready) before the next GetReady.
  Ready GetReady();
  // Acknowledges the last GetReady. Only what that Ready held matters (recorded when it
  // was handed out), so the application may move entries out of it before Advance.
  void Advance(const Ready& ready);

  void ReportUnreachable(uint64_t id);
  void ReportSnapshot(uint64_t id, bool ok);
  NodeStatus Status() const;

  // The underlying state machine (tests and diagnostics).
  Raft& raft() { return *raft_; }
  const Raft& raft() const { return *raft_; }

 private:
  explicit RawNode(std::unique_ptr<Raft> raft);
  absl::Status CheckPeerMessage(const Message& m) const;

  // What the outstanding Ready asks Advance to acknowledge.
  struct Handed {
    uint64_t last_entry_index = 0;  // 0: no entries
    uint64_t last_entry_term = 0;
    uint64_t snapshot_index = 0;  // 0: no snapshot
    uint64_t applied = 0;         // 0: nothing to apply
  };

  std::unique_ptr<Raft> raft_;
  Handed handed_;
  SoftState prev_soft_state_;
  HardState prev_hard_state_;
};

}  // namespace raftkv::raft

#endif  // RAFTKV_RAFT_RAW_NODE_H_
