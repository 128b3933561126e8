#include "raft/raft.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace raftkv::raft {

namespace {

bool IsElectionMessage(MessageType type) {
  return type == raftpb::MSG_VOTE || type == raftpb::MSG_PRE_VOTE ||
         type == raftpb::MSG_VOTE_RESP || type == raftpb::MSG_PRE_VOTE_RESP;
}

Message MakeMessage(MessageType type, uint64_t to) {
  Message m;
  m.set_type(type);
  m.set_to(to);
  return m;
}

}  // namespace

absl::Status ProposalDroppedError() { return absl::UnavailableError(kProposalDropped); }

Raft::Raft(const Config& config)
    : id_(config.id),
      log_(config.storage, config.max_committed_size_per_ready),
      max_msg_size_(config.max_size_per_msg),
      prs_(config.max_inflight_msgs),
      check_quorum_(config.check_quorum),
      pre_vote_(config.pre_vote),
      heartbeat_timeout_(config.heartbeat_tick),
      election_timeout_(config.election_tick),
      rng_(config.random_seed ^ (config.id * 0x9E3779B97F4A7C15ULL)),
      logger_(config.logger) {}

absl::StatusOr<std::unique_ptr<Raft>> Raft::Create(const Config& config) {
  if (auto st = config.Validate(); !st.ok()) return st;
  std::unique_ptr<Raft> r(new Raft(config));
  if (auto st = r->Init(config); !st.ok()) return st;
  return r;
}

absl::Status Raft::Init(const Config& config) {
  auto initial = config.storage->InitialState();
  if (!initial.ok()) return initial.status();
  const HardState& hs = initial->first;
  RestoreMembership(initial->second);
  if (!IsEmptyHardState(hs)) {
    if (hs.commit() < log_.committed() || hs.commit() > log_.LastIndex()) {
      return absl::DataLossError(absl::StrCat("hard state commit ", hs.commit(),
                                              " is out of range [", log_.committed(), ", ",
                                              log_.LastIndex(), "]"));
    }
    log_.CommitTo(hs.commit());
    term_ = hs.term();
    vote_ = hs.vote();
  }
  if (config.applied > 0) {
    if (config.applied > log_.committed()) {
      return absl::InvalidArgumentError(
          absl::StrCat("applied ", config.applied, " is beyond commit ", log_.committed()));
    }
    // The application will not replay entries up to `applied`, so membership changes
    // among them must be re-applied here.
    if (config.applied > log_.applied()) {
      auto ents = log_.Slice(log_.applied() + 1, config.applied + 1, UINT64_MAX);
      if (!ents.ok()) return ents.status();
      for (const Entry& e : *ents) {
        if (e.type() != raftpb::ENTRY_CONF_CHANGE) continue;
        ConfChange cc;
        if (!cc.ParseFromString(e.data())) return absl::DataLossError("corrupt conf change entry");
        ApplyConfChange(cc);
      }
    }
    log_.AppliedTo(config.applied);
  }
  BecomeFollower(term_, kNone);
  return absl::OkStatus();
}

absl::Status Raft::Bootstrap(const std::vector<uint64_t>& peers) {
  if (peers.empty()) return absl::InvalidArgumentError("must provide at least one peer");
  if (log_.LastIndex() != 0 || term_ != 0 || !prs_.voters().empty()) {
    return absl::FailedPreconditionError("can't bootstrap a nonempty storage");
  }
  BecomeFollower(1, kNone);
  std::vector<Entry> entries;
  for (size_t i = 0; i < peers.size(); ++i) {
    ConfChange cc;
    cc.set_type(raftpb::CONF_CHANGE_ADD_NODE);
    cc.set_node_id(peers[i]);
    Entry e;
    e.set_type(raftpb::ENTRY_CONF_CHANGE);
    e.set_term(1);
    e.set_index(i + 1);
    e.set_data(cc.SerializeAsString());
    entries.push_back(std::move(e));
  }
  log_.Append(std::move(entries));
  // Every member bootstraps the same entries, so they are committed by construction.
  log_.CommitTo(peers.size());
  for (uint64_t peer : peers) prs_.AddVoter(peer, log_.LastIndex() + 1);
  if (Progress* self = prs_.Get(id_)) self->match = log_.LastIndex();
  return absl::OkStatus();
}

HardState Raft::hard_state() const {
  HardState hs;
  hs.set_term(term_);
  hs.set_vote(vote_);
  hs.set_commit(log_.committed());
  return hs;
}

bool Raft::Promotable() const { return prs_.IsVoter(id_) && !log_.HasPendingSnapshot(); }

void Raft::Log(const std::string& text) const {
  if (logger_) logger_(absl::StrCat(id_, " [term ", term_, "] ", text));
}

void Raft::Send(Message m) {
  // TransferLeader carries the transferee in `from`; keep it when forwarding.
  if (m.type() != raftpb::MSG_TRANSFER_LEADER || m.from() == kNone) m.set_from(id_);
  if (IsElectionMessage(m.type())) {
    RAFT_CHECK(m.term() != 0, "election message sent without a term");
  } else if (m.type() != raftpb::MSG_PROP && m.type() != raftpb::MSG_READ_INDEX) {
    // Proposals and read requests are forwarded as local messages (term 0).
    m.set_term(term_);
  }
  msgs_.push_back(std::move(m));
}

// ---------------------------------------------------------------------------
// Role transitions

void Raft::ResetRandomizedElectionTimeout() {
  std::uniform_int_distribution<int> extra(0, election_timeout_ - 1);
  randomized_election_timeout_ = election_timeout_ + extra(rng_);
}

void Raft::Reset(uint64_t term) {
  if (term_ != term) {
    term_ = term;
    vote_ = kNone;
  }
  lead_ = kNone;
  election_elapsed_ = 0;
  heartbeat_elapsed_ = 0;
  ResetRandomizedElectionTimeout();
  AbortLeaderTransfer();
  prs_.ResetVotes();
  const uint64_t last = log_.LastIndex();
  for (auto& [id, pr] : prs_.progress()) {
    const bool learner = pr.is_learner;
    pr.BecomeProbe();
    pr.match = id == id_ ? last : 0;
    pr.next = last + 1;
    pr.recent_active = false;
    pr.is_learner = learner;
  }
  pending_conf_index_ = 0;
  read_only_ = ReadOnly();
  pending_read_index_messages_.clear();
  pending_bcast_ = false;
}

void Raft::BecomeFollower(uint64_t term, uint64_t lead) {
  Reset(term);
  lead_ = lead;
  state_ = StateRole::kFollower;
  Log(absl::StrCat("became follower, leader ", lead));
}

void Raft::BecomePreCandidate() {
  RAFT_CHECK(state_ != StateRole::kLeader, "invalid transition [leader -> pre-candidate]");
  // A pre-candidate keeps its term and vote: nothing changes unless it wins.
  prs_.ResetVotes();
  lead_ = kNone;
  state_ = StateRole::kPreCandidate;
  Log("became pre-candidate");
}

void Raft::BecomeCandidate() {
  RAFT_CHECK(state_ != StateRole::kLeader, "invalid transition [leader -> candidate]");
  Reset(term_ + 1);
  vote_ = id_;
  state_ = StateRole::kCandidate;
  Log("became candidate");
}

void Raft::BecomeLeader() {
  RAFT_CHECK(state_ != StateRole::kFollower, "invalid transition [follower -> leader]");
  Reset(term_);
  lead_ = id_;
  state_ = StateRole::kLeader;
  if (Progress* self = prs_.Get(id_)) self->BecomeReplicate();
  // Committing this entry commits everything before it (§5.4.2); until then neither
  // reads (§6.4) nor membership changes are safe.
  Entry empty;
  AppendEntries(absl::MakeSpan(&empty, 1));
  pending_conf_index_ = log_.LastIndex();
  pending_bcast_ = true;
  Log("became leader");
}

// ---------------------------------------------------------------------------
// Ticks

void Raft::Tick() {
  if (state_ == StateRole::kLeader) {
    TickHeartbeat();
  } else {
    TickElection();
  }
}

void Raft::TickElection() {
  ++election_elapsed_;
  if (Promotable() && PastElectionTimeout()) {
    election_elapsed_ = 0;
    Step(MakeMessage(raftpb::MSG_HUP, kNone)).IgnoreError();
  }
}

void Raft::TickHeartbeat() {
  ++heartbeat_elapsed_;
  ++election_elapsed_;
  if (election_elapsed_ >= election_timeout_) {
    election_elapsed_ = 0;
    if (check_quorum_) Step(MakeMessage(raftpb::MSG_CHECK_QUORUM, kNone)).IgnoreError();
    // A transfer that did not finish within an election timeout is abandoned.
    if (state_ == StateRole::kLeader) AbortLeaderTransfer();
  }
  if (state_ != StateRole::kLeader) return;
  if (heartbeat_elapsed_ >= heartbeat_timeout_) {
    heartbeat_elapsed_ = 0;
    Step(MakeMessage(raftpb::MSG_BEAT, kNone)).IgnoreError();
  }
}

// ---------------------------------------------------------------------------
// Step: term handling common to all roles, then dispatch.

bool Raft::ShouldIgnoreHigherTerm(const Message& m) const {
  const bool forced = m.context() == kCampaignTransfer;
  // We heard from a leader within the minimum election timeout: this candidate is
  // probably a partitioned or removed node, do not let it disrupt us (thesis §4.2.3).
  const bool in_lease = check_quorum_ && lead_ != kNone && election_elapsed_ < election_timeout_;
  return !forced && in_lease;
}

void Raft::HandleLowerTerm(const Message& m) {
  if ((check_quorum_ || pre_vote_) &&
      (m.type() == raftpb::MSG_HEARTBEAT || m.type() == raftpb::MSG_APP)) {
    // A stale leader (e.g. healed from a partition) learns our term and steps down.
    // Without this, with CheckQuorum/PreVote a node at a higher term could be stuck
    // unable to win elections while the stale leader keeps resetting nobody.
    Send(MakeMessage(raftpb::MSG_APP_RESP, m.from()));
  } else if (m.type() == raftpb::MSG_PRE_VOTE) {
    Message resp = MakeMessage(raftpb::MSG_PRE_VOTE_RESP, m.from());
    resp.set_term(term_);
    resp.set_reject(true);
    Send(std::move(resp));
  }
}

absl::Status Raft::Step(const Message& m) { return Step(Message(m)); }

absl::Status Raft::Step(Message&& m) {
  const MessageType type = m.type();
  if (m.term() == 0) {
    // Local message or forwarded proposal / read request.
  } else if (m.term() > term_) {
    if (type == raftpb::MSG_VOTE || type == raftpb::MSG_PRE_VOTE) {
      if (ShouldIgnoreHigherTerm(m)) {
        Log(absl::StrCat("ignored vote request from ", m.from(), " (leader lease)"));
        return absl::OkStatus();
      }
    }
    if (type == raftpb::MSG_PRE_VOTE) {
      // A pre-vote never changes our term.
    } else if (type == raftpb::MSG_PRE_VOTE_RESP && !m.reject()) {
      // Granted pre-votes carry the term we would campaign at; we move there only
      // once a quorum granted them.
    } else if (type == raftpb::MSG_APP || type == raftpb::MSG_HEARTBEAT ||
               type == raftpb::MSG_SNAP) {
      BecomeFollower(m.term(), m.from());
    } else {
      BecomeFollower(m.term(), kNone);
    }
  } else if (m.term() < term_) {
    HandleLowerTerm(m);
    return absl::OkStatus();
  }

  switch (type) {
    case raftpb::MSG_HUP:
      Hup(/*transfer=*/false);
      return absl::OkStatus();
    case raftpb::MSG_VOTE:
    case raftpb::MSG_PRE_VOTE:
      HandleVoteRequest(m);
      return absl::OkStatus();
    default:
      break;
  }
  switch (state_) {
    case StateRole::kLeader:
      return StepLeader(m);
    case StateRole::kCandidate:
    case StateRole::kPreCandidate:
      return StepCandidate(m);
    case StateRole::kFollower:
      return StepFollower(m);
  }
  return absl::OkStatus();
}

void Raft::HandleVoteRequest(const Message& m) {
  const bool can_vote = vote_ == m.from() || (vote_ == kNone && lead_ == kNone) ||
                        (m.type() == raftpb::MSG_PRE_VOTE && m.term() > term_);
  Message resp = MakeMessage(VoteResponseType(m.type()), m.from());
  if (can_vote && log_.IsUpToDate(m.index(), m.log_term())) {
    // Answer with the requested term: a pre-candidate counts only answers for the
    // term it would move to.
    resp.set_term(m.term());
    if (m.type() == raftpb::MSG_VOTE) {
      election_elapsed_ = 0;
      vote_ = m.from();
    }
  } else {
    resp.set_term(term_);
    resp.set_reject(true);
  }
  Log(absl::StrCat(resp.reject() ? "rejected " : "granted ", m.type(), " from ", m.from(),
                   " at term ", m.term()));
  Send(std::move(resp));
}

// ---------------------------------------------------------------------------
// Elections

bool Raft::HasUnappliedConfChanges() const {
  if (log_.committed() <= log_.applied()) return false;
  auto ents = log_.Slice(log_.applied() + 1, log_.committed() + 1, UINT64_MAX);
  if (!ents.ok()) return false;
  for (const Entry& e : *ents) {
    if (e.type() == raftpb::ENTRY_CONF_CHANGE) return true;
  }
  return false;
}

void Raft::Hup(bool transfer) {
  if (state_ == StateRole::kLeader || !Promotable()) return;
  // Our membership view may be about to change: campaigning on a stale one is unsafe.
  if (HasUnappliedConfChanges()) {
    Log("cannot campaign: pending configuration changes to apply");
    return;
  }
  Campaign(pre_vote_ && !transfer, transfer);
}

void Raft::Campaign(bool pre_vote, bool transfer) {
  MessageType type;
  uint64_t term;
  if (pre_vote) {
    BecomePreCandidate();
    type = raftpb::MSG_PRE_VOTE;
    term = term_ + 1;
  } else {
    BecomeCandidate();
    type = raftpb::MSG_VOTE;
    term = term_;
  }
  if (Poll(id_, VoteResponseType(type), true) == VoteResult::kWon) {
    // Single-voter cluster: we already have a quorum.
    if (pre_vote) {
      Campaign(false, transfer);
    } else {
      BecomeLeader();
    }
    return;
  }
  for (uint64_t peer : prs_.voters()) {
    if (peer == id_) continue;
    Message m = MakeMessage(type, peer);
    m.set_term(term);
    m.set_index(log_.LastIndex());
    m.set_log_term(log_.LastTerm());
    if (transfer) m.set_context(kCampaignTransfer);
    Send(std::move(m));
  }
}

VoteResult Raft::Poll(uint64_t id, MessageType type, bool granted) {
  (void)type;
  prs_.RecordVote(id, granted);
  return prs_.TallyVotes(nullptr, nullptr);
}

absl::Status Raft::StepCandidate(Message& m) {
  const MessageType my_response =
      state_ == StateRole::kPreCandidate ? raftpb::MSG_PRE_VOTE_RESP : raftpb::MSG_VOTE_RESP;
  switch (m.type()) {
    case raftpb::MSG_PROP:
      return ProposalDroppedError();
    case raftpb::MSG_APP:
      BecomeFollower(m.term(), m.from());
      HandleAppendEntries(m);
      return absl::OkStatus();
    case raftpb::MSG_HEARTBEAT:
      BecomeFollower(m.term(), m.from());
      HandleHeartbeat(m);
      return absl::OkStatus();
    case raftpb::MSG_SNAP:
      BecomeFollower(m.term(), m.from());
      HandleSnapshot(m);
      return absl::OkStatus();
    case raftpb::MSG_READ_INDEX:
      return ProposalDroppedError();
    default:
      break;
  }
  if (m.type() != my_response) return absl::OkStatus();
  switch (Poll(m.from(), m.type(), !m.reject())) {
    case VoteResult::kWon:
      if (state_ == StateRole::kPreCandidate) {
        Campaign(false, false);
      } else {
        BecomeLeader();
        BcastAppend();
      }
      break;
    case VoteResult::kLost:
      // A pre-candidate that lost simply returns to follower at its unchanged term.
      BecomeFollower(term_, kNone);
      break;
    case VoteResult::kPending:
      break;
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Follower

absl::Status Raft::StepFollower(Message& m) {
  switch (m.type()) {
    case raftpb::MSG_PROP:
    case raftpb::MSG_READ_INDEX:
    case raftpb::MSG_TRANSFER_LEADER: {
      if (lead_ == kNone) return ProposalDroppedError();
      Message fwd = std::move(m);
      fwd.set_to(lead_);
      Send(std::move(fwd));
      return absl::OkStatus();
    }
    case raftpb::MSG_APP:
      election_elapsed_ = 0;
      lead_ = m.from();
      HandleAppendEntries(m);
      return absl::OkStatus();
    case raftpb::MSG_HEARTBEAT:
      election_elapsed_ = 0;
      lead_ = m.from();
      HandleHeartbeat(m);
      return absl::OkStatus();
    case raftpb::MSG_SNAP:
      election_elapsed_ = 0;
      lead_ = m.from();
      HandleSnapshot(m);
      return absl::OkStatus();
    case raftpb::MSG_TIMEOUT_NOW:
      // The leader asked us to take over: skip the pre-vote, our log is up to date.
      Hup(/*transfer=*/true);
      return absl::OkStatus();
    case raftpb::MSG_READ_INDEX_RESP:
      if (m.entries_size() != 1) return absl::OkStatus();
      read_states_.push_back(ReadState{m.index(), m.entries(0).data()});
      return absl::OkStatus();
    default:
      return absl::OkStatus();
  }
}

void Raft::HandleAppendEntries(Message& m) {
  Message resp = MakeMessage(raftpb::MSG_APP_RESP, m.from());
  if (m.index() < log_.committed()) {
    // Everything up to our commit index matches the leader; tell it where we are.
    resp.set_index(log_.committed());
    Send(std::move(resp));
    return;
  }
  if (auto last_new = log_.MaybeAppend(m.index(), m.log_term(), m.commit(), m.mutable_entries())) {
    resp.set_index(*last_new);
    Send(std::move(resp));
    return;
  }
  // Consistency check failed. Hint the leader at the last index that could match:
  // the largest index <= m.index whose term is <= m.log_term (skips whole terms).
  uint64_t hint = std::min(m.index(), log_.LastIndex());
  hint = log_.FindConflictByTerm(hint, m.log_term());
  resp.set_index(m.index());
  resp.set_reject(true);
  resp.set_reject_hint(hint);
  resp.set_log_term(log_.TermOrZero(hint));
  Send(std::move(resp));
}

void Raft::HandleHeartbeat(const Message& m) {
  log_.CommitTo(m.commit());
  Message resp = MakeMessage(raftpb::MSG_HEARTBEAT_RESP, m.from());
  resp.set_context(m.context());
  Send(std::move(resp));
}

void Raft::HandleSnapshot(const Message& m) {
  Message resp = MakeMessage(raftpb::MSG_APP_RESP, m.from());
  if (Restore(m.snapshot())) {
    Log(absl::StrCat("restored snapshot at ", m.snapshot().metadata().index()));
    resp.set_index(log_.LastIndex());
  } else {
    resp.set_index(log_.committed());
  }
  Send(std::move(resp));
}

bool Raft::Restore(const raftpb::Snapshot& snapshot) {
  const auto& meta = snapshot.metadata();
  if (meta.index() <= log_.committed()) return false;
  if (state_ != StateRole::kFollower) return false;
  if (log_.MatchTerm(meta.index(), meta.term())) {
    // We already have the snapshot's last entry: just fast-forward the commit.
    log_.CommitTo(meta.index());
    return false;
  }
  log_.Restore(snapshot);
  RestoreMembership(meta.conf_state());
  return true;
}

void Raft::RestoreMembership(const ConfState& cs) {
  prs_ = ProgressTracker(prs_.max_inflight());
  const uint64_t next = log_.LastIndex() + 1;
  for (uint64_t id : cs.voters()) prs_.AddVoter(id, next);
  for (uint64_t id : cs.learners()) prs_.AddLearner(id, next);
  if (Progress* self = prs_.Get(id_)) self->match = next - 1;
  is_learner_ = prs_.IsLearner(id_);
}

// ---------------------------------------------------------------------------
// Leader

absl::Status Raft::StepLeader(Message& m) {
  switch (m.type()) {
    case raftpb::MSG_BEAT:
      BcastHeartbeat("");
      return absl::OkStatus();
    case raftpb::MSG_CHECK_QUORUM: {
      if (Progress* self = prs_.Get(id_)) self->recent_active = true;
      if (!prs_.QuorumActive()) {
        Log("stepped down: no quorum heard from within an election timeout");
        BecomeFollower(term_, kNone);
      }
      for (auto& [id, pr] : prs_.progress()) {
        if (id != id_) pr.recent_active = false;
      }
      return absl::OkStatus();
    }
    case raftpb::MSG_PROP: {
      std::vector<Entry> entries;
      entries.reserve(m.entries_size());
      for (Entry& e : *m.mutable_entries()) entries.push_back(std::move(e));
      return HandleLeaderPropose(absl::MakeSpan(entries));
    }
    case raftpb::MSG_READ_INDEX:
      HandleLeaderReadIndex(m);
      return absl::OkStatus();
    default:
      break;
  }
  Progress* pr = prs_.Get(m.from());
  if (pr == nullptr) return absl::OkStatus();
  switch (m.type()) {
    case raftpb::MSG_APP_RESP:
      HandleAppendResponse(m, pr);
      break;
    case raftpb::MSG_HEARTBEAT_RESP:
      HandleHeartbeatResponse(m, pr);
      break;
    case raftpb::MSG_SNAP_STATUS:
      if (pr->state != ProgressState::kSnapshot) break;
      if (m.reject()) pr->pending_snapshot = 0;
      pr->BecomeProbe();
      // Success: wait for the follower's ack of the snapshot. Failure: retry after
      // the next heartbeat answer.
      pr->probe_sent = true;
      break;
    case raftpb::MSG_UNREACHABLE:
      // Optimistic streaming would only pile up lost messages.
      if (pr->state == ProgressState::kReplicate) pr->BecomeProbe();
      break;
    case raftpb::MSG_TRANSFER_LEADER:
      HandleTransferLeader(m);
      break;
    default:
      break;
  }
  return absl::OkStatus();
}

absl::Status Raft::Propose(std::vector<Entry> entries) { return Propose(absl::MakeSpan(entries)); }

absl::Status Raft::Propose(absl::Span<Entry> entries) {
  if (state_ == StateRole::kLeader) return HandleLeaderPropose(entries);
  Message m = MakeMessage(raftpb::MSG_PROP, kNone);
  m.set_from(id_);
  m.mutable_entries()->Reserve(static_cast<int>(entries.size()));
  for (Entry& e : entries) *m.add_entries() = std::move(e);
  return Step(std::move(m));
}

absl::Status Raft::HandleLeaderPropose(absl::Span<Entry> entries) {
  if (entries.empty()) return absl::InvalidArgumentError("raft: empty proposal");
  if (prs_.Get(id_) == nullptr) return ProposalDroppedError();  // we were removed
  if (lead_transferee_ != kNone) return ProposalDroppedError();
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].type() == raftpb::ENTRY_CONF_CHANGE) {
      if (pending_conf_index_ > log_.applied())
        return absl::FailedPreconditionError(kConfChangePending);
      pending_conf_index_ = log_.LastIndex() + i + 1;
    }
  }
  AppendEntries(entries);
  pending_bcast_ = true;
  return absl::OkStatus();
}

void Raft::AppendEntries(absl::Span<Entry> entries) {
  uint64_t index = log_.LastIndex();
  for (Entry& e : entries) {
    e.set_term(term_);
    e.set_index(++index);
  }
  log_.Append(entries);
  // The leader counts itself once the entries are handed to the application, which
  // persists them in parallel with sending (thesis §10.2.1).
  if (Progress* self = prs_.Get(id_)) self->MaybeUpdate(log_.LastIndex());
  MaybeCommit();
}

bool Raft::MaybeCommit() {
  if (!log_.MaybeCommit(prs_.Committed(), term_)) return false;
  OnCommitAdvanced();
  return true;
}

void Raft::OnCommitAdvanced() {
  if (pending_read_index_messages_.empty() || !CommittedEntryInCurrentTerm()) return;
  std::vector<Message> waiting = std::move(pending_read_index_messages_);
  pending_read_index_messages_.clear();
  for (const Message& m : waiting) HandleLeaderReadIndex(m);
}

bool Raft::CommittedEntryInCurrentTerm() const {
  return log_.TermOrZero(log_.committed()) == term_;
}

void Raft::FlushPendingAppends() {
  if (!pending_bcast_) return;
  pending_bcast_ = false;
  if (state_ == StateRole::kLeader) BcastAppend();
}

void Raft::BcastAppend() {
  pending_bcast_ = false;
  for (auto& [id, pr] : prs_.progress()) {
    if (id == id_) continue;
    SendAppend(id);
    // Pipelining: keep streaming while the follower's window has room.
    while (MaybeSendAppend(id, false)) {
    }
  }
}

bool Raft::MaybeSendAppend(uint64_t to, bool send_if_empty) {
  Progress* pr = prs_.Get(to);
  if (pr == nullptr || pr->IsPaused()) return false;
  if (log_.IsInFlight(pr->next)) {
    // Stepped between GetReady and Advance: those entries moved into the Ready and are
    // on their way to storage. Send them with the next Ready instead.
    pending_bcast_ = true;
    return false;
  }
  Message m = MakeMessage(raftpb::MSG_APP, to);
  auto term = log_.Term(pr->next - 1);
  const absl::Status copied = log_.CopyEntriesTo(pr->next, max_msg_size_, m.mutable_entries());
  if (copied.ok() && m.entries_size() == 0 && !send_if_empty) return false;
  if (!term.ok() || !copied.ok()) {
    m.clear_entries();
    return SendSnapshot(to, pr, &m);
  }
  m.set_index(pr->next - 1);
  m.set_log_term(*term);
  m.set_commit(log_.committed());
  if (m.entries_size() > 0) {
    const uint64_t last = m.entries(m.entries_size() - 1).index();
    if (pr->state == ProgressState::kReplicate) {
      pr->OptimisticUpdate(last);
      pr->inflights.Add(last);
    } else {
      pr->probe_sent = true;
    }
  }
  Send(std::move(m));
  return true;
}

bool Raft::SendSnapshot(uint64_t to, Progress* pr, Message* m) {
  // Do not ship a snapshot to a peer we have not heard from: it may be down.
  if (!pr->recent_active) return false;
  auto snap = log_.Snapshot();
  if (!snap.ok()) {
    if (absl::IsUnavailable(snap.status())) return false;  // being built; retry later
    RaftPanic(absl::StrCat("snapshot unavailable: ", snap.status().ToString()));
  }
  RAFT_CHECK(!IsEmptySnapshot(*snap), "need a non-empty snapshot to catch up a follower");
  m->set_type(raftpb::MSG_SNAP);
  const uint64_t index = snap->metadata().index();
  *m->mutable_snapshot() = std::move(*snap);
  pr->BecomeSnapshot(index);
  Log(absl::StrCat("sending snapshot at ", index, " to ", to));
  Send(std::move(*m));
  return true;
}

void Raft::SendHeartbeat(uint64_t to, const std::string& ctx) {
  const Progress* pr = prs_.Get(to);
  Message m = MakeMessage(raftpb::MSG_HEARTBEAT, to);
  // Never tell a follower to commit beyond what it is known to hold.
  m.set_commit(std::min(pr->match, log_.committed()));
  m.set_context(ctx);
  Send(std::move(m));
}

void Raft::BcastHeartbeat(const std::string& ctx) {
  // Resend the newest pending read's context so lost acks are retried.
  const std::string effective = ctx.empty() ? read_only_.LastPendingRequestCtx() : ctx;
  for (const auto& [id, pr] : prs_.progress()) {
    if (id != id_) SendHeartbeat(id, effective);
  }
}

void Raft::SendTimeoutNow(uint64_t to) { Send(MakeMessage(raftpb::MSG_TIMEOUT_NOW, to)); }

void Raft::HandleAppendResponse(const Message& m, Progress* pr) {
  pr->recent_active = true;
  if (m.reject()) {
    uint64_t hint = m.reject_hint();
    if (m.log_term() > 0) hint = log_.FindConflictByTerm(m.reject_hint(), m.log_term());
    if (pr->MaybeDecrTo(m.index(), hint)) {
      if (pr->state == ProgressState::kReplicate) pr->BecomeProbe();
      SendAppend(m.from());
    }
    return;
  }
  const bool was_paused = pr->IsPaused();
  if (!pr->MaybeUpdate(m.index())) return;
  switch (pr->state) {
    case ProgressState::kProbe:
      pr->BecomeReplicate();
      break;
    case ProgressState::kSnapshot:
      if (pr->match >= pr->pending_snapshot) {
        pr->BecomeProbe();
        pr->BecomeReplicate();
      }
      break;
    case ProgressState::kReplicate:
      pr->inflights.FreeLE(m.index());
      break;
  }
  if (MaybeCommit()) {
    BcastAppend();
  } else if (was_paused) {
    SendAppend(m.from());
  }
  while (MaybeSendAppend(m.from(), false)) {
  }
  if (m.from() == lead_transferee_ && pr->match == log_.LastIndex()) {
    Log(absl::StrCat("transferee ", m.from(), " caught up, sending TimeoutNow"));
    SendTimeoutNow(m.from());
  }
}

void Raft::HandleHeartbeatResponse(const Message& m, Progress* pr) {
  pr->recent_active = true;
  pr->probe_sent = false;
  // The follower is alive: free a window slot so streaming can resume.
  if (pr->state == ProgressState::kReplicate && pr->inflights.Full()) pr->inflights.FreeFirstOne();
  if (pr->match < log_.LastIndex()) SendAppend(m.from());
  if (m.context().empty()) return;
  const std::set<uint64_t>* acks = read_only_.RecvAck(m.from(), m.context());
  if (acks == nullptr || !prs_.HasQuorum(*acks)) return;
  for (ReadIndexStatus& rs : read_only_.Advance(m.context())) {
    ReleaseReadIndex(rs.request, rs.index);
  }
}

void Raft::HandleLeaderReadIndex(const Message& m) {
  if (m.entries_size() != 1) return;
  if (prs_.IsSingleton() && prs_.IsVoter(id_)) {
    ReleaseReadIndex(m, log_.committed());
    return;
  }
  // Our commit index is only known to be current once an entry of our term committed.
  if (!CommittedEntryInCurrentTerm()) {
    pending_read_index_messages_.push_back(m);
    return;
  }
  read_only_.AddRequest(log_.committed(), m);
  const std::string& ctx = m.entries(0).data();
  if (prs_.IsVoter(id_)) {
    const std::set<uint64_t>* acks = read_only_.RecvAck(id_, ctx);
    if (acks != nullptr && prs_.HasQuorum(*acks)) {
      for (ReadIndexStatus& rs : read_only_.Advance(ctx)) ReleaseReadIndex(rs.request, rs.index);
      return;
    }
  }
  BcastHeartbeat(ctx);
}

void Raft::ReleaseReadIndex(const Message& request, uint64_t index) {
  if (request.from() == kNone || request.from() == id_) {
    read_states_.push_back(ReadState{index, request.entries(0).data()});
    return;
  }
  Message resp = MakeMessage(raftpb::MSG_READ_INDEX_RESP, request.from());
  resp.set_index(index);
  *resp.mutable_entries() = request.entries();
  Send(std::move(resp));
}

void Raft::HandleTransferLeader(const Message& m) {
  const uint64_t transferee = m.from();
  Progress* pr = prs_.Get(transferee);
  if (pr == nullptr || pr->is_learner) return;
  if (lead_transferee_ != kNone) {
    if (lead_transferee_ == transferee) return;  // already in progress
    AbortLeaderTransfer();
  }
  if (transferee == id_) return;
  // The transfer must finish within one election timeout (see TickHeartbeat).
  election_elapsed_ = 0;
  lead_transferee_ = transferee;
  Log(absl::StrCat("starting leadership transfer to ", transferee));
  if (pr->match == log_.LastIndex()) {
    SendTimeoutNow(transferee);
  } else {
    SendAppend(transferee);
  }
}

// ---------------------------------------------------------------------------
// Membership

ConfState Raft::ApplyConfChange(const ConfChange& cc) {
  const uint64_t next = log_.LastIndex() + 1;
  switch (cc.type()) {
    case raftpb::CONF_CHANGE_ADD_NODE:
      prs_.AddVoter(cc.node_id(), next);
      break;
    case raftpb::CONF_CHANGE_ADD_LEARNER_NODE:
      prs_.AddLearner(cc.node_id(), next);
      break;
    case raftpb::CONF_CHANGE_REMOVE_NODE:
      prs_.Remove(cc.node_id());
      break;
    default:
      break;
  }
  is_learner_ = prs_.IsLearner(id_);
  if (state_ == StateRole::kLeader) {
    if (!prs_.IsVoter(id_)) {
      StepDownAfterSelfRemoval();
    } else {
      if (lead_transferee_ != kNone && prs_.Get(lead_transferee_) == nullptr) AbortLeaderTransfer();
      // A smaller quorum may commit more; a new peer needs probing.
      MaybeCommit();
      pending_bcast_ = true;
    }
  }
  return prs_.ToConfState();
}

void Raft::StepDownAfterSelfRemoval() {
  // Hand over to an up-to-date voter at once instead of leaving the cluster without
  // a leader for a whole election timeout.
  uint64_t best = kNone;
  for (uint64_t id : prs_.voters()) {
    if (prs_.Get(id)->match == log_.LastIndex()) {
      best = id;
      break;
    }
  }
  if (best != kNone) SendTimeoutNow(best);
  Log("removed from the configuration, stepping down");
  BecomeFollower(term_, kNone);
}

}  // namespace raftkv::raft
