// The Raft consensus state machine of one node: deterministic, with no threads, I/O or
// clocks. Inputs are Step(message) and Tick(); outputs accumulate in messages(),
// read_states() and the log's unstable part, collected by RawNode into a Ready.
#ifndef RAFTKV_RAFT_RAFT_H_
#define RAFTKV_RAFT_RAFT_H_

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "raft/config.h"
#include "raft/raft_log.h"
#include "raft/read_only.h"
#include "raft/ready.h"
#include "raft/tracker.h"
#include "raft/util.h"

namespace raftkv::raft {

// Error text when a proposal cannot be accepted (no leader, leader transfer, removed).
inline constexpr char kProposalDropped[] = "raft proposal dropped";
// Error text when a conf change is proposed while the previous one is not yet applied.
inline constexpr char kConfChangePending[] =
    "raft conf change refused: a previous change is not yet applied";
// Context of a vote request triggered by leader transfer: it must not be ignored.
inline constexpr char kCampaignTransfer[] = "CampaignTransfer";

absl::Status ProposalDroppedError();

class Raft {
 public:
  static absl::StatusOr<std::unique_ptr<Raft>> Create(const Config& config);

  absl::Status Step(const Message& m);
  // Same, but entries carried by proposals and AppendEntries are moved, not copied.
  absl::Status Step(Message&& m);
  // Proposes entries (type and data set; term and index are assigned here). Same as
  // stepping a MsgProp, but a leader appends them without building a message.
  absl::Status Propose(std::vector<Entry> entries);
  // Same, moving the entries out of `entries` (no vector needed for a single entry).
  absl::Status Propose(absl::Span<Entry> entries);
  void Tick();

  // Bootstrap of a brand-new cluster member: the initial configuration becomes
  // committed ConfChange entries 1..n of term 1, so it reaches the WAL like any change.
  absl::Status Bootstrap(const std::vector<uint64_t>& peers);
  ConfState ApplyConfChange(const ConfChange& cc);
  // Leaders defer AppendEntries for new proposals so many proposals share one message.
  void FlushPendingAppends();
  bool HasPendingAppends() const { return pending_bcast_; }

  // Inspection (for RawNode, tests and the simulation).
  uint64_t id() const { return id_; }
  uint64_t term() const { return term_; }
  uint64_t vote() const { return vote_; }
  uint64_t lead() const { return lead_; }
  StateRole state() const { return state_; }
  bool is_learner() const { return is_learner_; }
  uint64_t lead_transferee() const { return lead_transferee_; }
  uint64_t pending_conf_index() const { return pending_conf_index_; }
  int election_elapsed() const { return election_elapsed_; }
  int randomized_election_timeout() const { return randomized_election_timeout_; }
  int election_timeout() const { return election_timeout_; }
  RaftLog& log() { return log_; }
  const RaftLog& log() const { return log_; }
  ProgressTracker& tracker() { return prs_; }
  const ProgressTracker& tracker() const { return prs_; }
  SoftState soft_state() const { return SoftState{lead_, state_}; }
  HardState hard_state() const;
  std::vector<Message>& messages() { return msgs_; }
  const std::vector<Message>& messages() const { return msgs_; }
  std::vector<ReadState>& read_states() { return read_states_; }
  const std::vector<ReadState>& read_states() const { return read_states_; }
  bool Promotable() const;

  // Test hooks.
  void BecomeFollower(uint64_t term, uint64_t lead);
  void BecomeCandidate();
  void BecomePreCandidate();
  void BecomeLeader();
  void set_randomized_election_timeout(int ticks) { randomized_election_timeout_ = ticks; }

 private:
  explicit Raft(const Config& config);
  absl::Status Init(const Config& config);

  // Role-specific handlers.
  // Handlers take the message mutable so that entries can be moved out of it.
  absl::Status StepLeader(Message& m);
  absl::Status StepCandidate(Message& m);
  absl::Status StepFollower(Message& m);
  void HandleVoteRequest(const Message& m);
  bool ShouldIgnoreHigherTerm(const Message& m) const;
  void HandleLowerTerm(const Message& m);

  // Elections.
  void Hup(bool transfer);
  void Campaign(bool pre_vote, bool transfer);
  VoteResult Poll(uint64_t id, MessageType type, bool granted);
  void Reset(uint64_t term);
  void ResetRandomizedElectionTimeout();
  bool PastElectionTimeout() const { return election_elapsed_ >= randomized_election_timeout_; }
  bool HasUnappliedConfChanges() const;
  void TickElection();
  void TickHeartbeat();

  // Leader replication.
  void AppendEntries(absl::Span<Entry> entries);
  bool MaybeCommit();
  void OnCommitAdvanced();
  void SendAppend(uint64_t to) { MaybeSendAppend(to, true); }
  bool MaybeSendAppend(uint64_t to, bool send_if_empty);
  bool SendSnapshot(uint64_t to, Progress* pr, Message* m);
  void SendHeartbeat(uint64_t to, const std::string& ctx);
  void BcastAppend();
  void BcastHeartbeat(const std::string& ctx);
  void SendTimeoutNow(uint64_t to);
  void AbortLeaderTransfer() { lead_transferee_ = kNone; }
  void HandleAppendResponse(const Message& m, Progress* pr);
  void HandleHeartbeatResponse(const Message& m, Progress* pr);
  void HandleTransferLeader(const Message& m);
  void HandleLeaderReadIndex(const Message& m);
  void ReleaseReadIndex(const Message& request, uint64_t index);
  bool CommittedEntryInCurrentTerm() const;
  absl::Status HandleLeaderPropose(absl::Span<Entry> entries);
  void StepDownAfterSelfRemoval();

  // Follower side.
  void HandleAppendEntries(Message& m);
  void HandleHeartbeat(const Message& m);
  void HandleSnapshot(const Message& m);
  bool Restore(const raftpb::Snapshot& snapshot);
  void RestoreMembership(const ConfState& cs);

  void Send(Message m);
  void Log(const std::string& text) const;

  uint64_t id_;
  uint64_t term_ = 0;
  uint64_t vote_ = kNone;
  uint64_t lead_ = kNone;
  StateRole state_ = StateRole::kFollower;
  bool is_learner_ = false;
  RaftLog log_;
  uint64_t max_msg_size_;
  ProgressTracker prs_;
  std::vector<Message> msgs_;
  std::vector<ReadState> read_states_;
  uint64_t lead_transferee_ = kNone;
  // Index of the last conf change the leader appended (or of its election no-op);
  // a new change is refused until the application applied it.
  uint64_t pending_conf_index_ = 0;
  ReadOnly read_only_;
  // ReadIndex requests that arrived before the leader committed an entry of its term.
  std::vector<Message> pending_read_index_messages_;
  bool pending_bcast_ = false;
  int election_elapsed_ = 0;
  int heartbeat_elapsed_ = 0;
  bool check_quorum_;
  bool pre_vote_;
  int heartbeat_timeout_;
  int election_timeout_;
  int randomized_election_timeout_ = 0;
  std::mt19937_64 rng_;
  std::function<void(const std::string&)> logger_;
};

}  // namespace raftkv::raft

#endif  // RAFTKV_RAFT_RAFT_H_
