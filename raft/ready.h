// What the application must persist, send and apply, handed over by RawNode::GetReady.
#ifndef RAFTKV_RAFT_READY_H_
#define RAFTKV_RAFT_READY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "raft/util.h"

namespace raftkv::raft {

// Volatile state worth reporting (not persisted).
struct SoftState {
  uint64_t lead = kNone;
  StateRole role = StateRole::kFollower;
  bool operator==(const SoftState& o) const { return lead == o.lead && role == o.role; }
  bool operator!=(const SoftState& o) const { return !(*this == o); }
};

// The answer to a ReadIndex request: once applied >= index, reads see every write
// acknowledged before the request was made. request_ctx is the caller's context.
struct ReadState {
  uint64_t index = 0;
  std::string request_ctx;
};

// Process a Ready in this order:
//  1. persist snapshot (if non-empty), entries and hard_state (fsync if must_sync);
//  2. send messages (a leader may send in parallel with step 1, followers must not);
//  3. apply the snapshot, then committed_entries (calling RawNode::ApplyConfChange for
//     ENTRY_CONF_CHANGE entries); serve read_states once applied >= their index;
//  4. call RawNode::Advance(ready) before asking for the next Ready.
// `entries` are moved out of the core, not copied (move them on into storage): from
// GetReady until Advance the core knows them by term only, so a leader stepped in
// that window defers sending them to followers until the next Ready.
struct Ready {
  std::optional<SoftState> soft_state;          // set only when it changed
  std::optional<raftpb::HardState> hard_state;  // set only when it changed
  std::vector<Entry> entries;                   // to persist
  raftpb::Snapshot snapshot;                    // to persist and apply when non-empty
  std::vector<Entry> committed_entries;         // to apply, in order
  std::vector<Message> messages;                // to send
  std::vector<ReadState> read_states;
  // Whether entries/hard_state must be fsynced before messages go out.
  bool must_sync = false;
};

}  // namespace raftkv::raft

#endif  // RAFTKV_RAFT_READY_H_
