// Randomized simulation of 3- and 5-node clusters over a hostile network (drops,
// duplicates, reordering, delays, partitions) with crashes and restarts from persisted
// state, while proposals, membership changes, snapshots, ReadIndex and leader transfers
// run throughout. Safety invariants are checked continuously; liveness after healing.
//
// Reproduce a failure: bazel test //raft:simulation_test --test_env=RAFTKV_SIM_SEED=<seed>
// (runs that seed for both sizes). Default: 250 seeds per size; more with
// --test_env=RAFTKV_SIM_SEEDS=<count per size>.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "raft/memory_storage.h"
#include "raft/raw_node.h"

namespace raftkv::raft {
namespace {

volatile uint64_t g_current_seed = 0;
volatile int g_current_nodes = 0;

void PrintSeedOnAbort(int) {
  std::fprintf(stderr, "simulation aborted: seed=%llu nodes=%d\n",
               static_cast<unsigned long long>(g_current_seed), g_current_nodes);
  std::signal(SIGABRT, SIG_DFL);
  std::abort();
}

uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL;
}

uint64_t HashEntry(uint64_t chain, const Entry& e) {
  uint64_t h = Mix(chain, e.index());
  h = Mix(h, e.term());
  for (char c : e.data()) h = Mix(h, static_cast<unsigned char>(c));
  return h;
}

struct InFlight {
  uint64_t deliver_at;
  uint64_t order;
  Message msg;
};

struct SimNode {
  uint64_t id = 0;
  std::unique_ptr<MemoryStorage> storage;  // survives crashes (it is "the disk")
  std::unique_ptr<RawNode> node;           // null while crashed
  bool removed = false;
  // The replicated state machine: a hash chain over applied entries.
  uint64_t applied = 0;
  uint64_t chain = 0;
  std::map<std::string, uint64_t> read_min_index;  // ctx -> commit index when issued
};

class Simulation {
 public:
  Simulation(uint64_t seed, int size) : seed_(seed), size_(size), rng_(seed) {
    std::vector<uint64_t> peers;
    for (int i = 1; i <= size; ++i) peers.push_back(i);
    for (uint64_t id : peers) {
      SimNode& n = nodes_[id];
      n.id = id;
      n.storage = std::make_unique<MemoryStorage>();
      Start(&n, peers);
    }
    next_spare_id_ = size + 1;
  }

  // Returns "" on success, or a description of the violated property.
  std::string Run(int chaos_ticks, int heal_ticks) {
    for (now_ = 0; now_ < static_cast<uint64_t>(chaos_ticks) && error_.empty(); ++now_) {
      RandomEvents();
      TickAll();
      DeliverDue();
      if (now_ % 50 == 0) CheckLogMatching();
    }
    if (!error_.empty()) return error_;
    Heal();
    return CheckProgressAfterHealing(heal_ticks);
  }

 private:
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  uint64_t Pick(uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_); }

  void Fail(const std::string& what) {
    if (error_.empty()) {
      std::ostringstream os;
      os << "seed=" << seed_ << " nodes=" << size_ << " tick=" << now_ << ": " << what;
      error_ = os.str();
    }
  }

  Config MakeConfig(SimNode* n) {
    Config c;
    c.id = n->id;
    c.election_tick = 10;
    c.heartbeat_tick = 1;
    c.storage = n->storage.get();
    c.max_size_per_msg = 512;  // small, so catching up takes many pipelined messages
    c.max_inflight_msgs = 8;
    c.random_seed = seed_ * 1000 + n->id + restarts_ * 7;
    return c;
  }

  void Start(SimNode* n, const std::vector<uint64_t>& peers) {
    Config c = MakeConfig(n);
    // The state machine restarts from the last snapshot and replays the log after it.
    auto snap = n->storage->Snapshot();
    n->applied = snap->metadata().index();
    n->chain = snap->data().empty() ? 0 : std::stoull(snap->data());
    c.applied = n->applied;
    auto node = RawNode::Create(c, peers);
    if (!node.ok()) {
      Fail("create: " + node.status().ToString());
      return;
    }
    n->node = std::move(*node);
    n->read_min_index.clear();
    ++restarts_;
  }

  std::vector<SimNode*> Live() {
    std::vector<SimNode*> out;
    for (auto& [id, n] : nodes_) {
      if (n.node && !n.removed) out.push_back(&n);
    }
    return out;
  }

  SimNode* Leader() {
    SimNode* best = nullptr;
    for (SimNode* n : Live()) {
      if (n->node->raft().state() == StateRole::kLeader &&
          (!best || n->node->raft().term() > best->node->raft().term())) {
        best = n;
      }
    }
    return best;
  }

  uint64_t GlobalCommit() {
    for (auto& [id, n] : nodes_) {
      if (n.node) max_commit_ = std::max(max_commit_, n.node->raft().log().committed());
    }
    return max_commit_;
  }

  // ------------------------------------------------------------------------
  // Fault injection and client activity.

  void RandomEvents() {
    if (Chance(0.01)) Crash();
    if (Chance(0.03)) RestartOne();
    if (Chance(0.01)) Partition();
    if (Chance(0.02)) partition_.clear();
    if (Chance(0.3)) Propose();
    if (Chance(0.05)) ReadIndex();
    if (Chance(0.01)) ChangeMembership();
    if (Chance(0.005)) Transfer();
  }

  void Crash() {
    auto live = Live();
    if (live.empty()) return;
    SimNode* n = live[Pick(live.size())];
    n->node.reset();
  }

  void RestartOne() {
    for (auto& [id, n] : nodes_) {
      if (!n.node && !n.removed) {
        Start(&n, {});
        return;
      }
    }
  }

  void Partition() {
    partition_.clear();
    for (auto& [id, n] : nodes_) {
      if (Chance(0.4)) partition_.insert(id);
    }
  }

  bool Connected(uint64_t a, uint64_t b) const {
    return partition_.count(a) == partition_.count(b);
  }

  void Propose() {
    auto live = Live();
    if (live.empty()) return;
    SimNode* n = live[Pick(live.size())];
    n->node->Propose("p" + std::to_string(++proposals_)).IgnoreError();
    ProcessReady(n);
  }

  void ReadIndex() {
    auto live = Live();
    if (live.empty()) return;
    SimNode* n = live[Pick(live.size())];
    const std::string ctx = "r" + std::to_string(++reads_);
    n->read_min_index[ctx] = GlobalCommit();
    n->node->ReadIndex(ctx);
    ProcessReady(n);
  }

  void Transfer() {
    SimNode* leader = Leader();
    if (!leader) return;
    auto live = Live();
    leader->node->TransferLeader(live[Pick(live.size())]->id);
    ProcessReady(leader);
  }

  void ChangeMembership() {
    SimNode* leader = Leader();
    if (!leader) return;
    const NodeStatus st = leader->node->Status();
    ConfChange cc;
    const int voters = st.conf_state.voters_size();
    if (st.conf_state.learners_size() > 0 && Chance(0.5)) {
      cc.set_type(raftpb::CONF_CHANGE_ADD_NODE);  // promote
      cc.set_node_id(st.conf_state.learners(0));
    } else if (voters > size_ && Chance(0.7)) {
      cc.set_type(raftpb::CONF_CHANGE_REMOVE_NODE);
      cc.set_node_id(st.conf_state.voters(Pick(voters)));
    } else if (next_spare_id_ <= static_cast<uint64_t>(size_) + 3 &&
               st.conf_state.learners_size() == 0) {
      cc.set_type(raftpb::CONF_CHANGE_ADD_LEARNER_NODE);
      cc.set_node_id(next_spare_id_);
      // The new member starts empty and learns everything from the leader.
      if (!nodes_.count(next_spare_id_)) {
        SimNode& n = nodes_[next_spare_id_];
        n.id = next_spare_id_;
        n.storage = std::make_unique<MemoryStorage>();
        Start(&n, {});
      }
      ++next_spare_id_;
    } else {
      return;
    }
    leader->node->ProposeConfChange(cc).IgnoreError();
    ProcessReady(leader);
  }

  // ------------------------------------------------------------------------
  // Driving nodes.

  void TickAll() {
    for (SimNode* n : Live()) {
      n->node->Tick();
      ProcessReady(n);
    }
  }

  void Enqueue(Message m) {
    const uint64_t delay = Pick(3);
    const bool duplicate = Chance(0.02);
    InFlight f{now_ + delay, order_++, m};
    if (duplicate) queue_.push_back(InFlight{now_ + Pick(4), order_++, m});
    queue_.push_back(std::move(f));
  }

  void DeliverDue() {
    std::vector<InFlight> due, later;
    for (InFlight& f : queue_) (f.deliver_at <= now_ ? due : later).push_back(std::move(f));
    queue_ = std::move(later);
    std::shuffle(due.begin(), due.end(), rng_);  // reordering
    for (InFlight& f : due) Deliver(f.msg);
  }

  void Deliver(const Message& m) {
    auto it = nodes_.find(m.to());
    const bool lost = Chance(drop_rate_) || !Connected(m.from(), m.to()) || it == nodes_.end() ||
                      !it->second.node;
    SimNode* sender = nodes_.count(m.from()) ? &nodes_[m.from()] : nullptr;
    if (m.type() == raftpb::MSG_SNAP && sender && sender->node) {
      sender->node->ReportSnapshot(m.to(), !lost);
    }
    if (lost) {
      if (sender && sender->node && Chance(0.1)) sender->node->ReportUnreachable(m.to());
      return;
    }
    SimNode* n = &it->second;
    n->node->Step(m).IgnoreError();
    ProcessReady(n);
  }

  // Delivers one message due for n without processing its Ready (n is in the middle
  // of one: between GetReady and Advance).
  void StepOneDueMessage(SimNode* n) {
    for (size_t i = 0; i < queue_.size(); ++i) {
      const Message& m = queue_[i].msg;
      if (m.to() != n->id || queue_[i].deliver_at > now_ || m.type() == raftpb::MSG_SNAP) continue;
      if (!Connected(m.from(), m.to())) continue;
      Message taken = std::move(queue_[i].msg);
      queue_.erase(queue_.begin() + i);
      n->node->Step(std::move(taken)).IgnoreError();
      return;
    }
  }

  void ProcessReady(SimNode* n) {
    while (n->node && n->node->HasReady() && error_.empty()) {
      Ready rd = n->node->GetReady();
      CheckLeaders(n);
      // An application that persists asynchronously steps messages before Advance.
      if (Chance(0.05)) StepOneDueMessage(n);
      if (!IsEmptySnapshot(rd.snapshot)) {
        if (!n->storage->ApplySnapshot(rd.snapshot).ok()) Fail("apply snapshot to storage");
      }
      if (!n->storage->Append(rd.entries).ok()) Fail("append to storage");
      if (rd.hard_state) n->storage->SetHardState(*rd.hard_state);
      if (chaos_ && Chance(0.002)) {
        // Crash after persisting, before sending or applying anything.
        n->node.reset();
        return;
      }
      for (Message& m : rd.messages) Enqueue(std::move(m));
      if (!IsEmptySnapshot(rd.snapshot)) RestoreStateMachine(n, rd.snapshot);
      for (const Entry& e : rd.committed_entries) Apply(n, e);
      for (const ReadState& rs : rd.read_states) CheckRead(n, rs);
      n->node->Advance(rd);
      GlobalCommit();
      MaybeCompact(n);
    }
  }

  void RestoreStateMachine(SimNode* n, const raftpb::Snapshot& snap) {
    const uint64_t index = snap.metadata().index();
    const uint64_t chain = std::stoull(snap.data());
    auto it = chain_at_.find(index);
    if (it != chain_at_.end() && it->second != chain) Fail("snapshot state differs from log");
    n->applied = index;
    n->chain = chain;
  }

  void Apply(SimNode* n, const Entry& e) {
    if (e.index() <= n->applied) return;  // covered by a snapshot applied in this Ready
    if (e.index() != n->applied + 1) {
      Fail("applied out of order on node " + std::to_string(n->id));
      return;
    }
    n->chain = HashEntry(n->chain, e);
    n->applied = e.index();
    auto [it, inserted] = chain_at_.emplace(e.index(), n->chain);
    if (!inserted && it->second != n->chain) {
      Fail("state machine safety: node " + std::to_string(n->id) +
           " applied a different entry at " + std::to_string(e.index()));
    }
    auto [t, fresh] = term_at_.emplace(e.index(), e.term());
    if (!fresh && t->second != e.term()) Fail("different terms applied at one index");
    if (e.type() == raftpb::ENTRY_CONF_CHANGE) {
      ConfChange cc;
      cc.ParseFromString(e.data());
      n->node->ApplyConfChange(cc);
      if (cc.type() == raftpb::CONF_CHANGE_REMOVE_NODE && cc.node_id() == n->id) n->removed = true;
    }
  }

  void CheckRead(SimNode* n, const ReadState& rs) {
    auto it = n->read_min_index.find(rs.request_ctx);
    if (it == n->read_min_index.end()) return;  // a duplicate answer
    if (rs.index < it->second) {
      Fail("stale read: index " + std::to_string(rs.index) + " < commit " +
           std::to_string(it->second) + " known when the read was issued");
    }
    n->read_min_index.erase(it);
    ++reads_served_;
  }

  void MaybeCompact(SimNode* n) {
    const uint64_t snap_index = n->storage->Snapshot()->metadata().index();
    if (n->applied < snap_index + 40 || n->applied > n->storage->LastIndex()) return;
    const ConfState cs = n->node->Status().conf_state;
    if (!n->storage->CreateSnapshot(n->applied, &cs, std::to_string(n->chain)).ok()) {
      Fail("create snapshot");
      return;
    }
    if (n->applied > 10) n->storage->Compact(n->applied - 10).IgnoreError();
    ++snapshots_;
  }

  // ------------------------------------------------------------------------
  // Invariants.

  void CheckLeaders(SimNode* n) {
    const Raft& r = n->node->raft();
    if (r.state() != StateRole::kLeader) return;
    auto [it, inserted] = leader_of_term_.emplace(r.term(), n->id);
    if (!inserted && it->second != n->id) {
      Fail("two leaders in term " + std::to_string(r.term()));
      return;
    }
    if (!inserted) return;
    // Leader completeness: a new leader holds every entry applied anywhere.
    const RaftLog& log = r.log();
    if (!term_at_.empty() && log.LastIndex() < term_at_.rbegin()->first) {
      Fail("leader " + std::to_string(n->id) + " lacks committed entries");
      return;
    }
    for (auto e = term_at_.lower_bound(log.FirstIndex()); e != term_at_.end(); ++e) {
      if (log.TermOrZero(e->first) != e->second) {
        Fail("leader completeness violated at index " + std::to_string(e->first));
        return;
      }
    }
  }

  void CheckLogMatching() {
    auto live = Live();
    for (size_t a = 0; a < live.size(); ++a) {
      for (size_t b = a + 1; b < live.size(); ++b) {
        const RaftLog& la = live[a]->node->raft().log();
        const RaftLog& lb = live[b]->node->raft().log();
        const uint64_t lo = std::max(la.FirstIndex(), lb.FirstIndex());
        uint64_t i = std::min(la.LastIndex(), lb.LastIndex());
        while (i >= lo && i > 0 && la.TermOrZero(i) != lb.TermOrZero(i)) --i;
        if (i < lo || i == 0) continue;
        auto ea = la.Slice(lo, i + 1, UINT64_MAX);
        auto eb = lb.Slice(lo, i + 1, UINT64_MAX);
        if (!ea.ok() || !eb.ok()) continue;
        for (size_t k = 0; k < ea->size(); ++k) {
          if ((*ea)[k].term() != (*eb)[k].term() || (*ea)[k].data() != (*eb)[k].data()) {
            Fail("log matching violated at index " + std::to_string((*ea)[k].index()));
            return;
          }
        }
      }
    }
  }

  void Heal() {
    chaos_ = false;
    partition_.clear();
    drop_rate_ = 0;
    for (auto& [id, n] : nodes_) {
      if (!n.node && !n.removed) Start(&n, {});
    }
  }

  std::string CheckProgressAfterHealing(int heal_ticks) {
    const std::string marker = "final-" + std::to_string(seed_);
    bool proposed = false;
    for (int t = 0; t < heal_ticks && error_.empty(); ++t, ++now_) {
      TickAll();
      DeliverDue();
      SimNode* leader = Leader();
      if (leader && !proposed && leader->node->Propose(marker).ok()) proposed = true;
      if (leader && proposed && AllMembersApplied(leader, marker)) {
        CheckLogMatching();
        return error_;
      }
      if (t % 50 == 49) proposed = false;  // the proposal may have been lost: retry
    }
    if (!error_.empty()) return error_;
    Fail("no progress within " + std::to_string(heal_ticks) + " ticks after healing" + Describe());
    return error_;
  }

  std::string Describe() {
    std::ostringstream os;
    for (auto& [id, n] : nodes_) {
      os << "\n  node " << id << (n.removed ? " removed" : "") << (n.node ? "" : " down");
      if (!n.node) continue;
      const NodeStatus st = n.node->Status();
      const RaftLog& log = n.node->raft().log();
      os << " role=" << RoleName(st.role) << " term=" << st.term << " lead=" << st.lead
         << " commit=" << st.commit << " applied=" << n.applied << " last=" << log.LastIndex()
         << " lastterm=" << log.LastTerm() << " voters=";
      for (uint64_t v : st.conf_state.voters()) os << v << ",";
      os << " learners=";
      for (uint64_t v : st.conf_state.learners()) os << v << ",";
      for (const auto& [pid, pr] : st.progress) {
        os << " [" << pid << " m=" << pr.match << " n=" << pr.next << " "
           << ProgressStateName(pr.state) << "]";
      }
    }
    return os.str();
  }

  bool AllMembersApplied(SimNode* leader, const std::string& marker) {
    const NodeStatus st = leader->node->Status();
    uint64_t marker_index = 0;
    auto ents =
        leader->node->raft().log().Slice(leader->node->raft().log().FirstIndex(),
                                         leader->node->raft().log().committed() + 1, UINT64_MAX);
    if (!ents.ok()) return false;
    for (const Entry& e : *ents) {
      if (e.data() == marker) marker_index = e.index();
    }
    if (marker_index == 0) return false;
    for (const auto& [id, pr] : st.progress) {
      SimNode& n = nodes_[id];
      if (!n.node || n.applied < marker_index) return false;
    }
    return true;
  }

  uint64_t seed_;
  int size_;
  std::mt19937_64 rng_;
  std::map<uint64_t, SimNode> nodes_;
  std::vector<InFlight> queue_;
  std::set<uint64_t> partition_;
  double drop_rate_ = 0.05;
  bool chaos_ = true;
  uint64_t now_ = 0;
  uint64_t order_ = 0;
  uint64_t next_spare_id_ = 0;
  uint64_t restarts_ = 0;
  uint64_t proposals_ = 0;
  uint64_t reads_ = 0;
  uint64_t max_commit_ = 0;
  std::map<uint64_t, uint64_t> leader_of_term_;
  std::map<uint64_t, uint64_t> chain_at_;
  std::map<uint64_t, uint64_t> term_at_;
  std::string error_;

 public:
  uint64_t reads_served_ = 0;
  uint64_t snapshots_ = 0;
};

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

void RunSeeds(int size) {
  std::signal(SIGABRT, PrintSeedOnAbort);
  uint64_t first = 1, count = EnvOr("RAFTKV_SIM_SEEDS", 250);
  if (std::getenv("RAFTKV_SIM_SEED")) {
    first = EnvOr("RAFTKV_SIM_SEED", 1);
    count = 1;
  }
  uint64_t reads = 0, snapshots = 0;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    g_current_seed = seed;
    g_current_nodes = size;
    Simulation sim(seed, size);
    const std::string err = sim.Run(/*chaos_ticks=*/400, /*heal_ticks=*/400);
    ASSERT_EQ(err, "") << "reproduce with RAFTKV_SIM_SEED=" << seed;
    reads += sim.reads_served_;
    snapshots += sim.snapshots_;
  }
  // The run must actually exercise reads and snapshots, or it proves little.
  EXPECT_GT(reads, count);
  EXPECT_GT(snapshots, count / 10);
  std::printf("simulated %llu seeds of %d nodes: %llu reads served, %llu snapshots\n",
              static_cast<unsigned long long>(count), size, static_cast<unsigned long long>(reads),
              static_cast<unsigned long long>(snapshots));
}

TEST(Simulation, ThreeNodes) { RunSeeds(3); }
TEST(Simulation, FiveNodes) { RunSeeds(5); }

}  // namespace
}  // namespace raftkv::raft
