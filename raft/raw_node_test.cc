#include "raft/raw_node.h"

#include "gtest/gtest.h"
#include "raft/memory_storage.h"

namespace raftkv::raft {
namespace {

Config MakeConfig(uint64_t id, Storage* storage) {
  Config c;
  c.id = id;
  c.storage = storage;
  c.random_seed = id;
  return c;
}

// Persists and applies one Ready the way the server does.
std::vector<Entry> Handle(RawNode* node, MemoryStorage* storage) {
  Ready rd = node->GetReady();
  if (!IsEmptySnapshot(rd.snapshot)) {
    EXPECT_TRUE(storage->ApplySnapshot(rd.snapshot).ok());
  }
  EXPECT_TRUE(storage->Append(rd.entries).ok());
  if (rd.hard_state) storage->SetHardState(*rd.hard_state);
  for (const Entry& e : rd.committed_entries) {
    if (e.type() == raftpb::ENTRY_CONF_CHANGE) {
      ConfChange cc;
      EXPECT_TRUE(cc.ParseFromString(e.data()));
      node->ApplyConfChange(cc);
    }
  }
  node->Advance(rd);
  return rd.committed_entries;
}

TEST(RawNode, SingleNodeCommitsAndReadsImmediately) {
  MemoryStorage storage;
  auto node = RawNode::Create(MakeConfig(1, &storage), {1});
  ASSERT_TRUE(node.ok()) << node.status();
  RawNode* n = node->get();
  auto first = Handle(n, &storage);
  ASSERT_EQ(first.size(), 1u) << "bootstrap conf change";
  EXPECT_EQ(first[0].type(), raftpb::ENTRY_CONF_CHANGE);
  ASSERT_TRUE(n->Campaign().ok());
  Handle(n, &storage);
  EXPECT_EQ(n->Status().role, StateRole::kLeader);
  ASSERT_TRUE(n->Propose("hello").ok());
  ASSERT_TRUE(n->HasReady());
  Ready rd = n->GetReady();
  ASSERT_EQ(rd.entries.size(), 1u);
  ASSERT_EQ(rd.committed_entries.size(), 1u);
  EXPECT_EQ(rd.committed_entries[0].data(), "hello");
  EXPECT_TRUE(rd.must_sync);
  ASSERT_TRUE(storage.Append(rd.entries).ok());
  n->Advance(rd);
  n->ReadIndex("r1");
  rd = n->GetReady();
  ASSERT_EQ(rd.read_states.size(), 1u);
  EXPECT_EQ(rd.read_states[0].request_ctx, "r1");
  EXPECT_EQ(rd.read_states[0].index, n->Status().commit);
  n->Advance(rd);
  EXPECT_FALSE(n->HasReady());
}

TEST(RawNode, ProposalWithoutLeaderIsDropped) {
  MemoryStorage storage;
  auto node = RawNode::Create(MakeConfig(1, &storage), {1, 2, 3});
  ASSERT_TRUE(node.ok());
  absl::Status st = (*node)->Propose("x");
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "raft proposal dropped");
}

TEST(RawNode, RejectsLocalMessagesAndUnknownPeers) {
  MemoryStorage storage;
  auto node = RawNode::Create(MakeConfig(1, &storage), {1, 2});
  ASSERT_TRUE(node.ok());
  Message m;
  m.set_type(raftpb::MSG_HUP);
  EXPECT_FALSE((*node)->Step(m).ok());
  m.set_type(raftpb::MSG_APP_RESP);
  m.set_from(9);
  m.set_term(1);
  EXPECT_FALSE((*node)->Step(m).ok());
}

TEST(RawNode, RestartRecoversStateAndMembership) {
  MemoryStorage storage;
  {
    auto node = RawNode::Create(MakeConfig(1, &storage), {1});
    ASSERT_TRUE(node.ok());
    Handle(node->get(), &storage);
    ASSERT_TRUE((*node)->Campaign().ok());
    Handle(node->get(), &storage);
    ASSERT_TRUE((*node)->Propose("a").ok());
    Handle(node->get(), &storage);
  }
  Config c = MakeConfig(1, &storage);
  c.applied = storage.hard_state().commit();  // the app says it applied everything
  auto node = RawNode::Create(c, {});
  ASSERT_TRUE(node.ok()) << node.status();
  NodeStatus st = (*node)->Status();
  EXPECT_EQ(st.term, storage.hard_state().term());
  EXPECT_EQ(st.commit, 3u);
  EXPECT_EQ(st.conf_state.voters_size(), 1) << "conf change replayed up to applied";
  ASSERT_TRUE((*node)->Campaign().ok());
  Handle(node->get(), &storage);
  EXPECT_EQ((*node)->Status().role, StateRole::kLeader);
  EXPECT_FALSE(RawNode::Create(MakeConfig(1, &storage), {1}).ok())
      << "bootstrap of non-empty storage";
}

TEST(RawNode, ConfChangeFlow) {
  MemoryStorage storage;
  auto node = RawNode::Create(MakeConfig(1, &storage), {1});
  ASSERT_TRUE(node.ok());
  RawNode* n = node->get();
  Handle(n, &storage);
  ASSERT_TRUE(n->Campaign().ok());
  Handle(n, &storage);
  ConfChange cc;
  cc.set_type(raftpb::CONF_CHANGE_ADD_LEARNER_NODE);
  cc.set_node_id(2);
  ASSERT_TRUE(n->ProposeConfChange(cc).ok());
  Handle(n, &storage);
  EXPECT_EQ(n->Status().conf_state.learners_size(), 1);
  EXPECT_TRUE(n->Status().progress.at(2).is_learner);
  cc.set_type(raftpb::CONF_CHANGE_ADD_NODE);
  ASSERT_TRUE(n->ProposeConfChange(cc).ok());
  Handle(n, &storage);
  EXPECT_EQ(n->Status().conf_state.voters_size(), 2) << "learner promoted";
}

// Persists, applies and delivers until both nodes of a two-node cluster are idle.
void PumpPair(RawNode* a, MemoryStorage* sa, RawNode* b, MemoryStorage* sb) {
  bool busy = true;
  while (busy) {
    busy = false;
    std::vector<Message> out;
    for (auto [n, s] : {std::make_pair(a, sa), std::make_pair(b, sb)}) {
      if (!n->HasReady()) continue;
      busy = true;
      Ready rd = n->GetReady();
      EXPECT_TRUE(s->Append(rd.entries).ok());
      if (rd.hard_state) s->SetHardState(*rd.hard_state);
      for (Message& m : rd.messages) out.push_back(std::move(m));
      n->Advance(rd);
    }
    for (Message& m : out) EXPECT_TRUE((m.to() == 1 ? a : b)->Step(std::move(m)).ok());
  }
}

TEST(RawNode, LeaderSteppedBeforeAdvanceDefersSendingEntriesInFlight) {
  MemoryStorage s1, s2;
  auto n1 = RawNode::Create(MakeConfig(1, &s1), {1, 2});
  auto n2 = RawNode::Create(MakeConfig(2, &s2), {1, 2});
  ASSERT_TRUE(n1.ok() && n2.ok());
  RawNode* leader = n1->get();
  PumpPair(leader, &s1, n2->get(), &s2);
  ASSERT_TRUE(leader->Campaign().ok());
  PumpPair(leader, &s1, n2->get(), &s2);
  ASSERT_EQ(leader->Status().role, StateRole::kLeader);

  ASSERT_TRUE(leader->Propose("payload").ok());
  Ready rd = leader->GetReady();
  ASSERT_EQ(rd.entries.size(), 1u);
  const uint64_t index = rd.entries[0].index();
  // Before the Ready is persisted and advanced, the follower looks lost and answers a
  // heartbeat: the leader would resend from `index`, whose data is in the Ready.
  leader->ReportUnreachable(2);
  Message resp;
  resp.set_type(raftpb::MSG_HEARTBEAT_RESP);
  resp.set_from(2);
  resp.set_to(1);
  resp.set_term(leader->Status().term);
  ASSERT_TRUE(leader->Step(resp).ok());
  for (const Message& m : leader->raft().messages()) {
    EXPECT_FALSE(m.type() == raftpb::MSG_APP && m.entries_size() > 0)
        << "sent entries in flight to storage";
  }
  EXPECT_TRUE(leader->HasReady());
  ASSERT_TRUE(s1.Append(std::move(rd.entries)).ok());
  leader->Advance(rd);

  rd = leader->GetReady();
  bool resent = false;
  for (const Message& m : rd.messages) {
    for (const Entry& e : m.entries()) {
      if (m.type() == raftpb::MSG_APP && e.index() == index) {
        EXPECT_EQ(e.data(), "payload");
        resent = true;
      }
    }
  }
  EXPECT_TRUE(resent) << "the deferred entries go out with the next Ready";
  leader->Advance(rd);
}

}  // namespace
}  // namespace raftkv::raft
