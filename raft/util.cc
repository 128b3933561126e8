#include "raft/util.h"

#include <cstdio>
#include <cstdlib>

namespace raftkv::raft {

const char* RoleName(StateRole role) {
  switch (role) {
    case StateRole::kFollower:
      return "follower";
    case StateRole::kCandidate:
      return "candidate";
    case StateRole::kLeader:
      return "leader";
    case StateRole::kPreCandidate:
      return "pre-candidate";
  }
  return "unknown";
}

bool IsLocalMessage(MessageType type) {
  return type == raftpb::MSG_HUP || type == raftpb::MSG_BEAT || type == raftpb::MSG_UNREACHABLE ||
         type == raftpb::MSG_SNAP_STATUS || type == raftpb::MSG_CHECK_QUORUM;
}

bool IsResponseMessage(MessageType type) {
  return type == raftpb::MSG_APP_RESP || type == raftpb::MSG_VOTE_RESP ||
         type == raftpb::MSG_HEARTBEAT_RESP || type == raftpb::MSG_UNREACHABLE ||
         type == raftpb::MSG_PRE_VOTE_RESP;
}

MessageType VoteResponseType(MessageType request) {
  return request == raftpb::MSG_PRE_VOTE ? raftpb::MSG_PRE_VOTE_RESP : raftpb::MSG_VOTE_RESP;
}

uint64_t EntrySize(const Entry& entry) {
  // term + index + type + framing: a fixed overhead is close enough for flow control.
  return entry.data().size() + 16;
}

void LimitSize(std::vector<Entry>* entries, uint64_t max_bytes) {
  if (entries->empty()) return;
  uint64_t total = EntrySize((*entries)[0]);
  size_t keep = 1;
  for (; keep < entries->size(); ++keep) {
    total += EntrySize((*entries)[keep]);
    if (total > max_bytes) break;
  }
  entries->resize(keep);
}

bool IsEmptyHardState(const HardState& state) {
  return state.term() == 0 && state.vote() == 0 && state.commit() == 0;
}

bool HardStateEqual(const HardState& a, const HardState& b) {
  return a.term() == b.term() && a.vote() == b.vote() && a.commit() == b.commit();
}

bool IsEmptySnapshot(const raftpb::Snapshot& snapshot) { return snapshot.metadata().index() == 0; }

void RaftPanic(const std::string& what) {
  std::fprintf(stderr, "raft invariant violated: %s\n", what.c_str());
  std::abort();
}

}  // namespace raftkv::raft
