#include "raft/raft_test_util.h"

#include <deque>

namespace raftkv::raft::testing {

std::unique_ptr<MemoryStorage> NewStorage(const std::vector<uint64_t>& voters,
                                          const std::vector<uint64_t>& learners) {
  auto storage = std::make_unique<MemoryStorage>();
  raftpb::Snapshot snap;
  for (uint64_t v : voters) snap.mutable_metadata()->mutable_conf_state()->add_voters(v);
  for (uint64_t l : learners) snap.mutable_metadata()->mutable_conf_state()->add_learners(l);
  (void)storage->ApplySnapshot(snap);
  return storage;
}

std::unique_ptr<Raft> NewTestRaft(uint64_t id, int election, int heartbeat, Storage* storage,
                                  const TestOptions& options) {
  Config c;
  c.id = id;
  c.election_tick = election;
  c.heartbeat_tick = heartbeat;
  c.storage = storage;
  c.max_inflight_msgs = options.max_inflight;
  c.max_size_per_msg = options.max_size_per_msg;
  c.check_quorum = options.check_quorum;
  c.pre_vote = options.pre_vote;
  c.random_seed = options.seed;
  auto r = Raft::Create(c);
  RAFT_CHECK(r.ok(), r.status().ToString());
  return std::move(*r);
}

std::vector<Message> ReadMessages(Raft* r) {
  r->FlushPendingAppends();
  std::vector<Message> out = std::move(r->messages());
  r->messages().clear();
  return out;
}

Message Msg(uint64_t from, uint64_t to, MessageType type, uint64_t term) {
  Message m;
  m.set_from(from);
  m.set_to(to);
  m.set_type(type);
  m.set_term(term);
  return m;
}

Entry MakeEntry(uint64_t index, uint64_t term, const std::string& data) {
  Entry e;
  e.set_index(index);
  e.set_term(term);
  e.set_data(data);
  return e;
}

std::vector<Entry> EntriesWithTerms(const std::vector<uint64_t>& terms, uint64_t first_index) {
  std::vector<Entry> out;
  for (size_t i = 0; i < terms.size(); ++i) out.push_back(MakeEntry(first_index + i, terms[i]));
  return out;
}

Message PropMsg(uint64_t id, const std::string& data) {
  Message m = Msg(id, id, raftpb::MSG_PROP);
  m.add_entries()->set_data(data);
  return m;
}

Network::Network(int n, const TestOptions& options, const std::set<uint64_t>& holes) {
  std::vector<uint64_t> voters;
  for (int i = 1; i <= n; ++i) voters.push_back(i);
  for (uint64_t id : voters) {
    if (holes.count(id)) {
      nodes_[id] = nullptr;
      continue;
    }
    storages_[id] = NewStorage(voters, options.learners);
    TestOptions o = options;
    o.seed = options.seed + id;
    nodes_[id] = NewTestRaft(id, 10, 1, storages_[id].get(), o);
  }
}

std::vector<uint64_t> Network::ids() const {
  std::vector<uint64_t> out;
  for (const auto& [id, node] : nodes_) out.push_back(id);
  return out;
}

void Network::Drop(uint64_t from, uint64_t to, double probability) {
  drops_[{from, to}] = probability;
}

void Network::Cut(uint64_t a, uint64_t b) {
  Drop(a, b, 2.0);
  Drop(b, a, 2.0);
}

void Network::Isolate(uint64_t id) {
  for (const auto& [other, node] : nodes_) {
    if (other != id) Cut(id, other);
  }
}

void Network::Recover() {
  drops_.clear();
  ignored_.clear();
}

std::vector<Message> Network::Filter(std::vector<Message> msgs) {
  std::vector<Message> out;
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  for (Message& m : msgs) {
    if (ignored_.count(m.type())) continue;
    if (m.type() == raftpb::MSG_HUP) RaftPanic("hup must not travel on the network");
    auto it = drops_.find({m.from(), m.to()});
    if (it != drops_.end() && coin(rng_) < it->second) continue;
    out.push_back(std::move(m));
  }
  return out;
}

void Network::Send(std::vector<Message> msgs) {
  std::deque<Message> queue(msgs.begin(), msgs.end());
  while (!queue.empty()) {
    Message m = std::move(queue.front());
    queue.pop_front();
    auto it = nodes_.find(m.to());
    if (it == nodes_.end() || it->second == nullptr) continue;
    Raft* r = it->second.get();
    r->Step(m).IgnoreError();
    for (Message& out : Filter(ReadMessages(r))) queue.push_back(std::move(out));
  }
}

}  // namespace raftkv::raft::testing
