// Small shared vocabulary of the Raft core: ids, roles, message predicates, size limits.
#ifndef RAFTKV_RAFT_UTIL_H_
#define RAFTKV_RAFT_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "proto/raft.pb.h"

namespace raftkv::raft {

using raftpb::ConfChange;
using raftpb::ConfState;
using raftpb::Entry;
using raftpb::HardState;
using raftpb::Message;
using raftpb::MessageType;

// Node id 0 means "nobody" (no leader known, no vote cast).
constexpr uint64_t kNone = 0;

enum class StateRole { kFollower, kCandidate, kLeader, kPreCandidate };

const char* RoleName(StateRole role);

// Messages generated and consumed inside one node; they never travel on the network.
bool IsLocalMessage(MessageType type);
// Replies to a request this node sent earlier (the sender must be a known peer).
bool IsResponseMessage(MessageType type);
// The reply type for an election request (vote or pre-vote).
MessageType VoteResponseType(MessageType request);

// Approximate wire size of an entry, used for byte caps. Cheap on purpose: it is
// evaluated on every entry we batch, so it avoids a full protobuf size computation.
uint64_t EntrySize(const Entry& entry);

// Keeps the longest prefix of `entries` whose total size is <= max_bytes, but always
// at least one entry (otherwise a single huge entry could never be replicated).
void LimitSize(std::vector<Entry>* entries, uint64_t max_bytes);

bool IsEmptyHardState(const HardState& state);
bool HardStateEqual(const HardState& a, const HardState& b);
bool IsEmptySnapshot(const raftpb::Snapshot& snapshot);

// Aborts the process: used only for violated internal invariants (bugs), never for
// bad input from the network or the application.
[[noreturn]] void RaftPanic(const std::string& what);

#define RAFT_CHECK(cond, what)                    \
  do {                                            \
    if (!(cond)) ::raftkv::raft::RaftPanic(what); \
  } while (0)

}  // namespace raftkv::raft

#endif  // RAFTKV_RAFT_UTIL_H_
