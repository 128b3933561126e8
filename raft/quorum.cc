#include "raft/quorum.h"

#include <algorithm>
#include <functional>

namespace raftkv::raft {

uint64_t MajorityCommittedIndex(std::vector<uint64_t> matches) {
  return MajorityCommittedIndex(matches.data(), matches.size());
}

uint64_t MajorityCommittedIndex(uint64_t* matches, size_t count) {
  if (count == 0) return 0;
  const size_t q = QuorumSize(count);
  if (count <= 8) {
    // Usual cluster sizes: an insertion sort (descending) beats nth_element.
    for (size_t i = 1; i < count; ++i) {
      const uint64_t v = matches[i];
      size_t j = i;
      for (; j > 0 && matches[j - 1] < v; --j) matches[j] = matches[j - 1];
      matches[j] = v;
    }
    return matches[q - 1];
  }
  // The q-th largest match is held by at least q voters.
  std::nth_element(matches, matches + (q - 1), matches + count, std::greater<uint64_t>());
  return matches[q - 1];
}

VoteResult MajorityVoteResult(size_t voters, size_t granted, size_t rejected) {
  if (voters == 0) return VoteResult::kPending;
  const size_t q = QuorumSize(voters);
  if (granted >= q) return VoteResult::kWon;
  if (voters - rejected < q) return VoteResult::kLost;
  return VoteResult::kPending;
}

}  // namespace raftkv::raft
