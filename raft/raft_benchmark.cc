// Throughput of the pure Raft core: entries committed per second by a 3-node cluster of
// in-memory nodes driven in one thread (no I/O), with proposals batched between Readies.
#include <benchmark/benchmark.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "raft/memory_storage.h"
#include "raft/raw_node.h"

namespace raftkv::raft {
namespace {

struct BenchNode {
  MemoryStorage storage;
  std::unique_ptr<RawNode> node;
  uint64_t applied = 0;
};

class Cluster {
 public:
  Cluster() {
    for (uint64_t id = 1; id <= 3; ++id) {
      auto& n = nodes_[id - 1];
      n = std::make_unique<BenchNode>();
      Config c;
      c.id = id;
      c.storage = &n->storage;
      c.random_seed = id;
      c.max_size_per_msg = 1 << 20;
      n->node = std::move(*RawNode::Create(c, {1, 2, 3}));
    }
    Pump();  // apply the bootstrap configuration first
    (void)nodes_[0]->node->Campaign();
    Pump();
  }

  RawNode* leader() { return nodes_[0]->node.get(); }
  uint64_t leader_applied() const { return nodes_[0]->applied; }

  // Runs Ready/Advance on every node and delivers messages until quiescent.
  void Pump() {
    bool busy = true;
    while (busy) {
      busy = false;
      for (auto& n : nodes_) {
        while (n->node->HasReady()) {
          busy = true;
          Ready rd = n->node->GetReady();
          (void)n->storage.Append(std::move(rd.entries));  // Advance does not need them
          if (rd.hard_state) n->storage.SetHardState(*rd.hard_state);
          for (Message& m : rd.messages) inbox_.push_back(std::move(m));
          if (!rd.committed_entries.empty()) n->applied = rd.committed_entries.back().index();
          n->node->Advance(rd);
        }
      }
      while (!inbox_.empty()) {
        busy = true;
        Message m = std::move(inbox_.front());
        inbox_.pop_front();
        (void)nodes_[m.to() - 1]->node->Step(std::move(m));
      }
    }
    // Keep memory bounded: the log is only needed until everyone has it.
    for (auto& n : nodes_) {
      const uint64_t keep_from = n->applied;
      if (keep_from > n->storage.FirstIndex() + 100000) (void)n->storage.Compact(keep_from);
    }
  }

 private:
  std::unique_ptr<BenchNode> nodes_[3];
  std::deque<Message> inbox_;
};

// Reports entries committed (applied on the leader) as items: with UseRealTime,
// items_per_second is committed entries per second of wall-clock time.
void ReportCommitted(benchmark::State& state, uint64_t committed) {
  const int batch = static_cast<int>(state.range(0));
  if (committed < static_cast<uint64_t>(batch) * state.iterations()) {
    state.SkipWithError("not every proposal was committed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(committed));
}

// One Propose call per entry; the proposals made between two Readies still share one
// AppendEntries per follower.
void BM_CommitThroughput(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  Cluster cluster;
  const std::string payload(16, 'x');
  uint64_t committed_before = cluster.leader_applied();
  for (auto _ : state) {
    for (int i = 0; i < batch; ++i) (void)cluster.leader()->Propose(payload);
    cluster.Pump();
  }
  ReportCommitted(state, cluster.leader_applied() - committed_before);
}

// The same load proposed with one ProposeBatch call (one MsgProp) per iteration.
void BM_CommitThroughputProposeBatch(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  Cluster cluster;
  const std::string payload(16, 'x');
  uint64_t committed_before = cluster.leader_applied();
  for (auto _ : state) {
    (void)cluster.leader()->ProposeBatch(std::vector<std::string>(batch, payload));
    cluster.Pump();
  }
  ReportCommitted(state, cluster.leader_applied() - committed_before);
}

// Wall-clock rates: the whole cluster runs on the benchmark's single thread.
BENCHMARK(BM_CommitThroughput)
    ->Arg(64)
    ->Arg(1024)
    ->Arg(8192)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CommitThroughputProposeBatch)
    ->Arg(64)
    ->Arg(1024)
    ->Arg(8192)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace raftkv::raft

BENCHMARK_MAIN();
