// Membership (voters and learners) and the leader's per-peer progress and vote tally.
#ifndef RAFTKV_RAFT_TRACKER_H_
#define RAFTKV_RAFT_TRACKER_H_

#include <cstdint>
#include <map>
#include <set>

#include "raft/progress.h"
#include "raft/quorum.h"
#include "raft/util.h"

namespace raftkv::raft {

class ProgressTracker {
 public:
  explicit ProgressTracker(int max_inflight) : max_inflight_(max_inflight) {}
  int max_inflight() const { return max_inflight_; }

  // Adds (or promotes to) a voter; a new peer starts probing at `next`.
  void AddVoter(uint64_t id, uint64_t next);
  // Adds a learner; a voter is never demoted (returns without change).
  void AddLearner(uint64_t id, uint64_t next);
  void Remove(uint64_t id);

  Progress* Get(uint64_t id);
  const Progress* Get(uint64_t id) const;
  std::map<uint64_t, Progress>& progress() { return progress_; }
  const std::map<uint64_t, Progress>& progress() const { return progress_; }
  const std::set<uint64_t>& voters() const { return voters_; }
  const std::set<uint64_t>& learners() const { return learners_; }
  bool IsVoter(uint64_t id) const { return voters_.count(id) > 0; }
  bool IsLearner(uint64_t id) const { return learners_.count(id) > 0; }
  bool IsSingleton() const { return voters_.size() == 1; }

  // Largest index replicated on a majority of voters.
  uint64_t Committed() const;
  // Whether a majority of voters were recently active (see Progress::recent_active).
  bool QuorumActive() const;
  // Whether `ids` contains a majority of voters.
  bool HasQuorum(const std::set<uint64_t>& ids) const;

  void ResetVotes() { votes_.clear(); }
  // Records the first answer of each voter; later duplicates are ignored.
  void RecordVote(uint64_t id, bool granted) { votes_.emplace(id, granted); }
  VoteResult TallyVotes(size_t* granted, size_t* rejected) const;

  ConfState ToConfState() const;

 private:
  int max_inflight_;
  std::map<uint64_t, Progress> progress_;
  std::set<uint64_t> voters_;
  std::set<uint64_t> learners_;
  std::map<uint64_t, bool> votes_;
};

}  // namespace raftkv::raft

#endif  // RAFTKV_RAFT_TRACKER_H_
