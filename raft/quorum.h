// Majority arithmetic over a set of voters.
#ifndef RAFTKV_RAFT_QUORUM_H_
#define RAFTKV_RAFT_QUORUM_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace raftkv::raft {

enum class VoteResult { kPending, kLost, kWon };

// Smallest number of voters that forms a majority.
inline size_t QuorumSize(size_t voters) { return voters / 2 + 1; }

// The largest index replicated on a majority, given each voter's match index.
// 0 for an empty configuration (nothing can be committed without voters).
uint64_t MajorityCommittedIndex(std::vector<uint64_t> matches);
// Same over a caller-owned array, which is reordered.
uint64_t MajorityCommittedIndex(uint64_t* matches, size_t count);

// Outcome of an election given the number of voters and the answers so far.
VoteResult MajorityVoteResult(size_t voters, size_t granted, size_t rejected);

}  // namespace raftkv::raft

#endif  // RAFTKV_RAFT_QUORUM_H_
