#include "raft/tracker.h"

#include <vector>

namespace raftkv::raft {

void ProgressTracker::AddVoter(uint64_t id, uint64_t next) {
  if (voters_.count(id)) return;
  if (learners_.erase(id)) {
    progress_.at(id).is_learner = false;
  } else {
    Progress pr(max_inflight_);
    pr.next = next;
    // A new peer gets one election timeout before CheckQuorum may count it as dead.
    pr.recent_active = true;
    progress_.emplace(id, std::move(pr));
  }
  voters_.insert(id);
}

void ProgressTracker::AddLearner(uint64_t id, uint64_t next) {
  if (voters_.count(id) || learners_.count(id)) return;
  Progress pr(max_inflight_);
  pr.next = next;
  pr.recent_active = true;
  pr.is_learner = true;
  progress_.emplace(id, std::move(pr));
  learners_.insert(id);
}

void ProgressTracker::Remove(uint64_t id) {
  progress_.erase(id);
  voters_.erase(id);
  learners_.erase(id);
  votes_.erase(id);
}

Progress* ProgressTracker::Get(uint64_t id) {
  auto it = progress_.find(id);
  return it == progress_.end() ? nullptr : &it->second;
}

const Progress* ProgressTracker::Get(uint64_t id) const {
  auto it = progress_.find(id);
  return it == progress_.end() ? nullptr : &it->second;
}

uint64_t ProgressTracker::Committed() const {
  // Called on every append and ack: avoid a heap allocation for usual cluster sizes.
  constexpr size_t kInline = 8;
  uint64_t inline_matches[kInline];
  std::vector<uint64_t> heap_matches;
  uint64_t* matches = inline_matches;
  if (voters_.size() > kInline) {
    heap_matches.resize(voters_.size());
    matches = heap_matches.data();
  }
  size_t n = 0;
  // Walk the progress map once instead of looking every voter up in it.
  for (const auto& [id, pr] : progress_) {
    if (!pr.is_learner) matches[n++] = pr.match;
  }
  RAFT_CHECK(n == voters_.size(), "voter progress out of sync with the voter set");
  return MajorityCommittedIndex(matches, n);
}

bool ProgressTracker::QuorumActive() const {
  std::set<uint64_t> active;
  for (uint64_t id : voters_) {
    if (progress_.at(id).recent_active) active.insert(id);
  }
  return HasQuorum(active);
}

bool ProgressTracker::HasQuorum(const std::set<uint64_t>& ids) const {
  size_t count = 0;
  for (uint64_t id : voters_) count += ids.count(id);
  return !voters_.empty() && count >= QuorumSize(voters_.size());
}

VoteResult ProgressTracker::TallyVotes(size_t* granted, size_t* rejected) const {
  size_t g = 0, r = 0;
  for (uint64_t id : voters_) {
    auto it = votes_.find(id);
    if (it == votes_.end()) continue;
    (it->second ? g : r)++;
  }
  if (granted) *granted = g;
  if (rejected) *rejected = r;
  return MajorityVoteResult(voters_.size(), g, r);
}

ConfState ProgressTracker::ToConfState() const {
  ConfState cs;
  for (uint64_t id : voters_) cs.add_voters(id);
  for (uint64_t id : learners_) cs.add_learners(id);
  return cs;
}

}  // namespace raftkv::raft
