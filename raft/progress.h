// The leader's view of one peer's log, and the flow-control state used to feed it.
#ifndef RAFTKV_RAFT_PROGRESS_H_
#define RAFTKV_RAFT_PROGRESS_H_

#include <cstdint>

#include "raft/inflights.h"

namespace raftkv::raft {

enum class ProgressState {
  // Position unknown: send one AppendEntries per heartbeat until one is accepted.
  kProbe,
  // Position known: stream entries optimistically, bounded by the inflight window.
  kReplicate,
  // The follower needs entries we compacted: a snapshot is on its way, send nothing else.
  kSnapshot,
};

const char* ProgressStateName(ProgressState state);

struct Progress {
  explicit Progress(int max_inflight) : inflights(max_inflight) {}

  // Highest index known to be replicated on the peer.
  uint64_t match = 0;
  // Next index to send.
  uint64_t next = 1;
  ProgressState state = ProgressState::kProbe;
  // Index of the snapshot being sent while in kSnapshot.
  uint64_t pending_snapshot = 0;
  // Heard from the peer since the last CheckQuorum round.
  bool recent_active = false;
  // In kProbe: a probe was sent and we are waiting for its answer.
  bool probe_sent = false;
  Inflights inflights;
  bool is_learner = false;

  void BecomeProbe();
  void BecomeReplicate();
  void BecomeSnapshot(uint64_t snapshot_index);
  // An ack for index n arrived; returns false if it carried no news (stale).
  bool MaybeUpdate(uint64_t n);
  // In kReplicate we assume the message will arrive and keep streaming.
  void OptimisticUpdate(uint64_t n) { next = n + 1; }
  // A rejection of the append at `rejected`; `match_hint` is the follower's hint.
  // Returns false if the rejection is stale.
  bool MaybeDecrTo(uint64_t rejected, uint64_t match_hint);
  // Whether the leader should hold off sending AppendEntries to this peer.
  bool IsPaused() const;
};

}  // namespace raftkv::raft

#endif  // RAFTKV_RAFT_PROGRESS_H_
