// Three RaftNodes in one process, talking over the real gRPC peer transport on
// loopback, each with a small in-memory state machine whose "durable" state
// survives a simulated restart.
#include "server/raftnode/raft_node.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/transport/peer_server.h"
#include "server/transport/peer_service.h"
#include "storage/snapshot_file.h"

namespace raftkv::server {
namespace {

using namespace std::chrono_literals;

template <typename Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

// The state machine: the list of applied commands. Snapshots are that list in a file.
struct FakeStateMachine {
  std::mutex mu;
  std::vector<std::string> commands;
  uint64_t applied = 0;
  int restores = 0;

  void Apply(uint64_t index, const std::string& command) {
    std::lock_guard<std::mutex> lock(mu);
    if (index <= applied) return;  // replay after restart
    if (!command.empty()) commands.push_back(command);
    applied = index;
  }
  absl::StatusOr<std::string> Save(const std::string& dir, const raftpb::SnapshotMetadata& meta) {
    std::lock_guard<std::mutex> lock(mu);
    return storage::SaveSnapshotFile(dir, meta,
                                     std::to_string(applied) + "\n" + absl::StrJoin(commands, ","));
  }
  absl::Status Restore(const std::string& path, uint64_t index) {
    raftpb::SnapshotMetadata meta;
    auto data = storage::ReadSnapshotFile(path, &meta);
    if (!data.ok()) return data.status();
    std::vector<std::string> lines = absl::StrSplit(*data, absl::MaxSplits('\n', 1));
    std::string applied_line = lines[0], list = lines.size() > 1 ? lines[1] : "";
    std::lock_guard<std::mutex> lock(mu);
    applied = std::stoull(applied_line);
    if (applied != index) return absl::DataLossError("snapshot index mismatch");
    commands = list.empty() ? std::vector<std::string>{}
                            : std::vector<std::string>(absl::StrSplit(list, ','));
    ++restores;
    return absl::OkStatus();
  }
  std::vector<std::string> Snapshot() {
    std::lock_guard<std::mutex> lock(mu);
    return commands;
  }
};

// Forwards transport callbacks to whichever RaftNode currently runs on this member.
// Calls go through under the lock, so once Set(nullptr) returns no transport thread
// is still inside the node that is about to be destroyed.
class HandlerSlot : public transport::MessageHandler {
 public:
  void Set(transport::MessageHandler* target) {
    std::lock_guard<std::mutex> lock(mu_);
    target_ = target;
  }
  void OnMessages(std::vector<raftpb::Message> m) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (target_) target_->OnMessages(std::move(m));
  }
  void OnSnapshot(raftpb::Message m, std::string path) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (target_) target_->OnSnapshot(std::move(m), std::move(path));
  }
  void OnUnreachable(uint64_t peer) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (target_) target_->OnUnreachable(peer);
  }
  void OnSnapshotStatus(uint64_t peer, bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (target_) target_->OnSnapshotStatus(peer, ok);
  }

 private:
  std::mutex mu_;
  transport::MessageHandler* target_ = nullptr;
};

struct Member {
  uint64_t id = 0;
  std::string dir;
  int port = 0;
  FakeStateMachine state;
  HandlerSlot slot;
  std::unique_ptr<transport::PeerService> service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<RaftNode> node;
};

class RaftNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::path(::testing::TempDir()) /
            ("raft_node_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
    for (uint64_t id = 1; id <= 3; ++id) {
      auto m = std::make_unique<Member>();
      m->id = id;
      m->dir = (root_ / ("m" + std::to_string(id))).string();
      transport::PeerServiceOptions opts;
      opts.snapshot_dir = m->dir + "/incoming";
      m->service = std::make_unique<transport::PeerService>(&m->slot, opts);
      auto server = transport::StartPeerServer("http://127.0.0.1:0", m->service.get(), &m->port);
      ASSERT_TRUE(server.ok()) << server.status();
      m->server = std::move(*server);
      members_[id] = std::move(m);
    }
  }

  void TearDown() override {
    for (auto& [id, m] : members_) {
      StopNode(id);
      transport::ShutdownPeerServer(m->server.get());
    }
    std::filesystem::remove_all(root_);
  }

  void StartNode(uint64_t id, bool bootstrap) {
    Member& m = *members_[id];
    RaftNode::Options options;
    options.member_id = id;
    options.member_dir = m.dir;
    if (bootstrap) options.bootstrap_voters = {1, 2, 3};
    options.tick = 10ms;
    options.election_ticks = 10;
    options.snapshot_count = snapshot_count_;
    options.snapshot_catchup_entries = 2;
    RaftNode::StateMachineHooks hooks;
    hooks.save_snapshot = [&m](const std::string& dir, const raftpb::SnapshotMetadata& meta) {
      return m.state.Save(dir, meta);
    };
    hooks.restore_snapshot = [&m](const std::string& p, uint64_t i) {
      return m.state.Restore(p, i);
    };
    hooks.applied_index = [&m] {
      std::lock_guard<std::mutex> lock(m.state.mu);
      return m.state.applied;
    };
    std::map<uint64_t, std::vector<std::string>> peers;
    for (auto& [pid, pm] : members_) {
      if (pid != id) peers[pid] = {"http://127.0.0.1:" + std::to_string(pm->port)};
    }
    auto node = RaftNode::Open(options, hooks, peers);
    ASSERT_TRUE(node.ok()) << node.status();
    m.node = std::move(*node);
    m.slot.Set(m.node.get());
    ASSERT_TRUE(m.node
                    ->Start([&m](uint64_t index, const std::string& command) {
                      m.state.Apply(index, command);
                    })
                    .ok());
  }

  void StopNode(uint64_t id) {
    Member& m = *members_[id];
    if (!m.node) return;
    m.slot.Set(nullptr);
    m.node->Stop();
    m.node.reset();
  }

  uint64_t WaitForLeader(const std::vector<uint64_t>& among) {
    uint64_t leader = 0;
    WaitFor([&] {
      for (uint64_t id : among) {
        uint64_t lead = members_[id]->node->GetStatus().leader_id;
        if (lead != 0 && std::find(among.begin(), among.end(), lead) != among.end() &&
            members_[lead]->node->IsLeader()) {
          leader = lead;
          return true;
        }
      }
      return false;
    });
    return leader;
  }

  // Appends through `via`, retrying while the cluster has no leader.
  void AppendVia(uint64_t via, const std::string& command) {
    ASSERT_TRUE(WaitFor([&] { return members_[via]->node->Append(command).ok(); }))
        << "append of " << command << " via " << via << " never accepted";
  }

  bool AllHave(const std::vector<uint64_t>& ids, size_t count) {
    return WaitFor([&] {
      for (uint64_t id : ids) {
        if (members_[id]->state.Snapshot().size() < count) return false;
      }
      return true;
    });
  }

  std::filesystem::path root_;
  uint64_t snapshot_count_ = 100000;
  std::map<uint64_t, std::unique_ptr<Member>> members_;
};

TEST_F(RaftNodeTest, ElectsOneLeaderAndReplicatesInTheSameOrderEverywhere) {
  for (uint64_t id = 1; id <= 3; ++id) StartNode(id, /*bootstrap=*/true);
  uint64_t leader = WaitForLeader({1, 2, 3});
  ASSERT_NE(leader, 0u);
  // Proposals through every member, followers forward to the leader.
  for (int i = 0; i < 30; ++i) AppendVia(1 + i % 3, "c" + std::to_string(i));
  ASSERT_TRUE(AllHave({1, 2, 3}, 30));
  EXPECT_EQ(members_[1]->state.Snapshot(), members_[2]->state.Snapshot());
  EXPECT_EQ(members_[1]->state.Snapshot(), members_[3]->state.Snapshot());
}

TEST_F(RaftNodeTest, ReadIndexCoversEveryAcknowledgedWrite) {
  for (uint64_t id = 1; id <= 3; ++id) StartNode(id, true);
  uint64_t leader = WaitForLeader({1, 2, 3});
  ASSERT_NE(leader, 0u);
  AppendVia(leader, "x");
  ASSERT_TRUE(AllHave({leader}, 1));
  uint64_t applied_with_x = members_[leader]->node->applied_index();
  uint64_t follower = leader == 1 ? 2 : 1;
  auto index = members_[follower]->node->ReadIndex();
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_GE(*index, applied_with_x);
}

TEST_F(RaftNodeTest, ConcurrentAsyncProposalsAreAllAcceptedAndAppliedInOneOrder) {
  for (uint64_t id = 1; id <= 3; ++id) StartNode(id, true);
  uint64_t leader = WaitForLeader({1, 2, 3});
  ASSERT_NE(leader, 0u);
  AppendVia(leader, "warm-up");
  constexpr int kThreads = 8, kPerThread = 25;
  std::mutex mu;
  std::vector<absl::Status> verdicts;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        members_[leader]->node->AppendAsync("p" + std::to_string(t) + "-" + std::to_string(i),
                                            [&](const absl::Status& verdict) {
                                              std::lock_guard<std::mutex> lock(mu);
                                              verdicts.push_back(verdict);
                                            });
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    return verdicts.size() == size_t(kThreads * kPerThread);
  }));
  for (const absl::Status& verdict : verdicts) EXPECT_TRUE(verdict.ok()) << verdict;
  ASSERT_TRUE(AllHave({1, 2, 3}, 1 + kThreads * kPerThread));
  EXPECT_EQ(members_[1]->state.Snapshot(), members_[2]->state.Snapshot());
  EXPECT_EQ(members_[1]->state.Snapshot(), members_[3]->state.Snapshot());
}

TEST_F(RaftNodeTest, ConcurrentReadIndexCallsEachCoverWritesAppliedBeforeThem) {
  for (uint64_t id = 1; id <= 3; ++id) StartNode(id, true);
  uint64_t leader = WaitForLeader({1, 2, 3});
  ASSERT_NE(leader, 0u);
  uint64_t follower = leader == 1 ? 2 : 1;
  std::atomic<bool> failed{false};
  std::vector<std::thread> readers;
  for (int r = 0; r < 8; ++r) {
    readers.emplace_back([&, r] {
      RaftNode& via = *members_[r % 2 ? leader : follower]->node;
      for (int i = 0; i < 20; ++i) {
        // Everything applied on the leader before the call was acknowledged.
        const uint64_t acknowledged = members_[leader]->node->applied_index();
        absl::StatusOr<uint64_t> index = via.ReadIndex();
        if (!index.ok() || *index < acknowledged) failed = true;
      }
    });
  }
  for (int i = 0; i < 20; ++i) AppendVia(leader, "w" + std::to_string(i));
  for (std::thread& t : readers) t.join();
  EXPECT_FALSE(failed);
}

TEST_F(RaftNodeTest, SurvivesLeaderLossAndRestartedMemberCatchesUp) {
  for (uint64_t id = 1; id <= 3; ++id) StartNode(id, true);
  uint64_t leader = WaitForLeader({1, 2, 3});
  ASSERT_NE(leader, 0u);
  for (int i = 0; i < 10; ++i) AppendVia(leader, "a" + std::to_string(i));
  ASSERT_TRUE(AllHave({1, 2, 3}, 10));

  StopNode(leader);
  std::vector<uint64_t> rest;
  for (uint64_t id = 1; id <= 3; ++id) {
    if (id != leader) rest.push_back(id);
  }
  uint64_t new_leader = WaitForLeader(rest);
  ASSERT_NE(new_leader, 0u);
  ASSERT_NE(new_leader, leader);
  for (int i = 0; i < 10; ++i) AppendVia(rest[i % 2], "b" + std::to_string(i));
  ASSERT_TRUE(AllHave(rest, 20));

  StartNode(leader, /*bootstrap=*/false);  // restart from its WAL
  ASSERT_TRUE(AllHave({leader}, 20));
  EXPECT_EQ(members_[leader]->state.Snapshot(), members_[rest[0]]->state.Snapshot());
}

TEST_F(RaftNodeTest, LaggingMemberReceivesSnapshotAfterCompaction) {
  snapshot_count_ = 10;
  for (uint64_t id = 1; id <= 3; ++id) StartNode(id, true);
  uint64_t leader = WaitForLeader({1, 2, 3});
  ASSERT_NE(leader, 0u);
  uint64_t lagging = leader == 3 ? 2 : 3;
  StopNode(lagging);
  for (int i = 0; i < 60; ++i) AppendVia(leader, "s" + std::to_string(i));
  std::vector<uint64_t> up;
  for (uint64_t id = 1; id <= 3; ++id) {
    if (id != lagging) up.push_back(id);
  }
  ASSERT_TRUE(AllHave(up, 60));
  // Forget the lagging member's state machine too: it must come back from a snapshot.
  StartNode(lagging, false);
  ASSERT_TRUE(AllHave({lagging}, 60));
  EXPECT_GE(members_[lagging]->state.restores, 1);
  EXPECT_EQ(members_[lagging]->state.Snapshot(), members_[leader]->state.Snapshot());
}

}  // namespace
}  // namespace raftkv::server
