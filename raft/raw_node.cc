#include "raft/raw_node.h"

namespace raftkv::raft {

namespace {

Message LocalMessage(MessageType type, uint64_t from) {
  Message m;
  m.set_type(type);
  m.set_from(from);
  return m;
}

}  // namespace

RawNode::RawNode(std::unique_ptr<Raft> raft) : raft_(std::move(raft)) {
  prev_soft_state_ = raft_->soft_state();
  prev_hard_state_ = raft_->hard_state();
}

absl::StatusOr<std::unique_ptr<RawNode>> RawNode::Create(
    const Config& config, const std::vector<uint64_t>& bootstrap_peers) {
  auto raft = Raft::Create(config);
  if (!raft.ok()) return raft.status();
  std::unique_ptr<RawNode> node(new RawNode(std::move(*raft)));
  if (!bootstrap_peers.empty()) {
    if (auto st = node->raft_->Bootstrap(bootstrap_peers); !st.ok()) return st;
  }
  return node;
}

void RawNode::Tick() { raft_->Tick(); }

absl::Status RawNode::Campaign() { return raft_->Step(LocalMessage(raftpb::MSG_HUP, kNone)); }

absl::Status RawNode::Propose(std::string data) {
  Entry entry;
  entry.set_data(std::move(data));
  return raft_->Propose(absl::MakeSpan(&entry, 1));
}

absl::Status RawNode::ProposeBatch(std::vector<std::string> data) {
  std::vector<Entry> entries(data.size());
  for (size_t i = 0; i < data.size(); ++i) entries[i].set_data(std::move(data[i]));
  return raft_->Propose(absl::MakeSpan(entries));
}

absl::Status RawNode::ProposeConfChange(const ConfChange& cc) {
  Message m = LocalMessage(raftpb::MSG_PROP, raft_->id());
  Entry* e = m.add_entries();
  e->set_type(raftpb::ENTRY_CONF_CHANGE);
  e->set_data(cc.SerializeAsString());
  return raft_->Step(std::move(m));
}

absl::Status RawNode::CheckPeerMessage(const Message& m) const {
  if (IsLocalMessage(m.type())) {
    return absl::InvalidArgumentError("raft: cannot step raft local message");
  }
  if (IsResponseMessage(m.type()) && raft_->tracker().Get(m.from()) == nullptr) {
    return absl::NotFoundError("raft: cannot step as peer not found");
  }
  return absl::OkStatus();
}

absl::Status RawNode::Step(const Message& m) {
  if (auto st = CheckPeerMessage(m); !st.ok()) return st;
  return raft_->Step(m);
}

absl::Status RawNode::Step(Message&& m) {
  if (auto st = CheckPeerMessage(m); !st.ok()) return st;
  return raft_->Step(std::move(m));
}

void RawNode::ReadIndex(std::string ctx) {
  Message m = LocalMessage(raftpb::MSG_READ_INDEX, kNone);
  m.add_entries()->set_data(std::move(ctx));
  raft_->Step(std::move(m)).IgnoreError();
}

void RawNode::TransferLeader(uint64_t transferee) {
  raft_->Step(LocalMessage(raftpb::MSG_TRANSFER_LEADER, transferee)).IgnoreError();
}

ConfState RawNode::ApplyConfChange(const ConfChange& cc) { return raft_->ApplyConfChange(cc); }

bool RawNode::HasReady() const {
  const Raft& r = *raft_;
  if (r.HasPendingAppends() || r.soft_state() != prev_soft_state_) return true;
  const HardState hs = r.hard_state();
  if (!IsEmptyHardState(hs) && !HardStateEqual(hs, prev_hard_state_)) return true;
  if (r.log().HasPendingSnapshot() || !r.log().UnstableEntries().empty()) return true;
  if (r.log().HasNextEntries()) return true;
  return !r.messages().empty() || !r.read_states().empty();
}

Ready RawNode::GetReady() {
  raft_->FlushPendingAppends();
  Ready rd;
  const SoftState soft = raft_->soft_state();
  if (soft != prev_soft_state_) {
    rd.soft_state = soft;
    prev_soft_state_ = soft;
  }
  const HardState hs = raft_->hard_state();
  if (!IsEmptyHardState(hs) && !HardStateEqual(hs, prev_hard_state_)) {
    rd.hard_state = hs;
    // Only term and vote must be durable before answering; commit can be recovered.
    rd.must_sync = hs.term() != prev_hard_state_.term() || hs.vote() != prev_hard_state_.vote();
    prev_hard_state_ = hs;
  }
  // Committed entries first: they may include unstable ones, still readable until taken.
  rd.committed_entries = raft_->log().NextEntries();
  rd.entries = raft_->log().TakeUnstableEntries();
  if (!rd.entries.empty()) rd.must_sync = true;
  if (raft_->log().UnstableSnapshot()) rd.snapshot = *raft_->log().UnstableSnapshot();
  rd.messages = std::move(raft_->messages());
  raft_->messages().clear();
  rd.read_states = std::move(raft_->read_states());
  raft_->read_states().clear();
  handed_ = Handed{};
  if (!rd.entries.empty()) {
    handed_.last_entry_index = rd.entries.back().index();
    handed_.last_entry_term = rd.entries.back().term();
  }
  if (!IsEmptySnapshot(rd.snapshot)) {
    handed_.snapshot_index = rd.snapshot.metadata().index();
    handed_.applied = handed_.snapshot_index;
  }
  if (!rd.committed_entries.empty()) handed_.applied = rd.committed_entries.back().index();
  return rd;
}

void RawNode::Advance(const Ready& /*ready*/) {
  RaftLog& log = raft_->log();
  const Handed handed = handed_;
  handed_ = Handed{};
  if (handed.snapshot_index != 0) log.StableSnapTo(handed.snapshot_index);
  if (handed.last_entry_index != 0) log.StableTo(handed.last_entry_index, handed.last_entry_term);
  if (handed.applied > log.applied()) log.AppliedTo(handed.applied);
}

void RawNode::ReportUnreachable(uint64_t id) {
  raft_->Step(LocalMessage(raftpb::MSG_UNREACHABLE, id)).IgnoreError();
}

void RawNode::ReportSnapshot(uint64_t id, bool ok) {
  Message m = LocalMessage(raftpb::MSG_SNAP_STATUS, id);
  m.set_reject(!ok);
  raft_->Step(std::move(m)).IgnoreError();
}

NodeStatus RawNode::Status() const {
  const Raft& r = *raft_;
  NodeStatus st;
  st.id = r.id();
  st.term = r.term();
  st.vote = r.vote();
  st.commit = r.log().committed();
  st.applied = r.log().applied();
  st.lead = r.lead();
  st.role = r.state();
  st.is_learner = r.is_learner();
  st.lead_transferee = r.lead_transferee();
  st.conf_state = r.tracker().ToConfState();
  if (r.state() == StateRole::kLeader) {
    for (const auto& [id, pr] : r.tracker().progress()) {
      st.progress[id] = PeerProgress{pr.match, pr.next, pr.state, pr.is_learner, pr.recent_active};
    }
  }
  return st;
}

}  // namespace raftkv::raft
