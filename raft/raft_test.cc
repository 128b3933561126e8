// Behaviour beyond the paper's core: CheckQuorum, leader stickiness, snapshots,
// leader transfer, proposal forwarding, membership and flow control.
#include "raft/raft.h"

#include "gtest/gtest.h"
#include "raft/raft_test_util.h"

namespace raftkv::raft {
namespace {

using testing::EntriesWithTerms;
using testing::Msg;
using testing::Network;
using testing::NewStorage;
using testing::NewTestRaft;
using testing::PropMsg;
using testing::ReadMessages;

void TickN(Raft* r, int n) {
  for (int i = 0; i < n; ++i) r->Tick();
}

TEST(CheckQuorum, LeaderStepsDownWithoutQuorum) {
  testing::TestOptions o;
  o.check_quorum = true;
  Network net(3, o);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  ASSERT_EQ(net.node(1)->state(), StateRole::kLeader);
  net.Isolate(1);
  for (int i = 0; i < 2 * 10 + 1; ++i) {
    net.node(1)->Tick();
    net.Send(ReadMessages(net.node(1)));
  }
  EXPECT_EQ(net.node(1)->state(), StateRole::kFollower);
}

TEST(CheckQuorum, FollowersIgnoreDisruptiveVotesWhileLeaderKnown) {
  testing::TestOptions o;
  o.check_quorum = true;
  Network net(3, o);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  const uint64_t term = net.node(1)->term();
  // Node 3 gets partitioned and campaigns at a higher term; when it comes back its
  // vote requests must be ignored by followers that still hear from the leader.
  net.Isolate(3);
  net.Send(Msg(3, 3, raftpb::MSG_HUP));
  net.Send(Msg(3, 3, raftpb::MSG_HUP));
  EXPECT_GT(net.node(3)->term(), term);
  net.Recover();
  net.Send(Msg(3, 3, raftpb::MSG_HUP));
  EXPECT_EQ(net.node(2)->term(), term);
  EXPECT_EQ(net.node(2)->lead(), 1u);
}

TEST(Forwarding, FollowerForwardsProposalsToLeader) {
  Network net(3);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  net.Send(PropMsg(2, "forwarded"));
  auto ents = net.node(1)->log().NextEntries();
  ASSERT_FALSE(ents.empty());
  EXPECT_EQ(ents.back().data(), "forwarded");
}

TEST(Forwarding, NoLeaderDropsProposal) {
  auto s = NewStorage({1, 2, 3});
  auto r = NewTestRaft(1, 10, 1, s.get());
  absl::Status st = r->Step(PropMsg(1));
  EXPECT_EQ(st.message(), kProposalDropped);
  r->BecomeCandidate();
  EXPECT_EQ(r->Step(PropMsg(1)).message(), kProposalDropped);
}

TEST(Snapshot, LeaderSendsSnapshotToLaggingFollower) {
  Network net(3);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  net.Isolate(3);
  for (int i = 0; i < 10; ++i) net.Send(PropMsg(1, "v" + std::to_string(i)));
  Raft* leader = net.node(1);
  // Persist and compact the leader's log so node 3 can only catch up by snapshot.
  MemoryStorage* s = net.storage(1);
  ASSERT_TRUE(s->Append(leader->log().UnstableEntries()).ok());
  leader->log().StableTo(leader->log().LastIndex(), leader->log().LastTerm());
  const uint64_t commit = leader->log().committed();
  leader->log().AppliedTo(commit);
  ConfState cs = leader->tracker().ToConfState();
  ASSERT_TRUE(s->CreateSnapshot(commit, &cs, "state").ok());
  ASSERT_TRUE(s->Compact(commit).ok());
  net.Recover();
  leader->tracker().Get(3)->recent_active = true;
  net.Send(Msg(1, 1, raftpb::MSG_BEAT));
  Raft* follower = net.node(3);
  ASSERT_TRUE(follower->log().HasPendingSnapshot());
  EXPECT_EQ(follower->log().committed(), commit);
  EXPECT_EQ(follower->log().UnstableSnapshot()->data(), "state");
  // The follower acked the snapshot, so the leader streams to it again.
  EXPECT_EQ(leader->tracker().Get(3)->state, ProgressState::kReplicate);
  EXPECT_EQ(leader->tracker().Get(3)->match, commit);
}

TEST(Snapshot, FollowerRestoresMembershipAndCommit) {
  auto s = NewStorage({1, 2});
  auto r = NewTestRaft(2, 10, 1, s.get());
  Message m = Msg(1, 2, raftpb::MSG_SNAP, 2);
  auto* meta = m.mutable_snapshot()->mutable_metadata();
  meta->set_index(11);
  meta->set_term(2);
  meta->mutable_conf_state()->add_voters(1);
  meta->mutable_conf_state()->add_voters(2);
  meta->mutable_conf_state()->add_voters(3);
  r->Step(m).IgnoreError();
  EXPECT_EQ(r->log().committed(), 11u);
  EXPECT_EQ(r->tracker().voters().size(), 3u);
  auto out = ReadMessages(r.get());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type(), raftpb::MSG_APP_RESP);
  EXPECT_EQ(out[0].index(), 11u);
  // An older snapshot is ignored and answered with our commit index.
  meta->set_index(5);
  r->Step(m).IgnoreError();
  EXPECT_EQ(r->log().committed(), 11u);
}

TEST(LeaderTransfer, TransfersToUpToDateFollower) {
  Network net(3);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  net.Send(Msg(2, 1, raftpb::MSG_TRANSFER_LEADER));
  EXPECT_EQ(net.node(2)->state(), StateRole::kLeader);
  EXPECT_EQ(net.node(1)->state(), StateRole::kFollower);
  EXPECT_EQ(net.node(1)->lead(), 2u);
}

TEST(LeaderTransfer, CatchesUpSlowFollowerFirstAndDropsProposalsMeanwhile) {
  Network net(3);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  net.Isolate(3);
  net.Send(PropMsg(1));
  net.Send(PropMsg(1));
  net.Recover();
  net.Ignore(raftpb::MSG_APP_RESP);
  net.Send(Msg(3, 1, raftpb::MSG_TRANSFER_LEADER));
  EXPECT_EQ(net.node(1)->lead_transferee(), 3u);
  EXPECT_EQ(net.node(1)->Step(PropMsg(1)).message(), kProposalDropped);
  net.Recover();
  net.Send(Msg(1, 1, raftpb::MSG_BEAT));
  EXPECT_EQ(net.node(3)->state(), StateRole::kLeader);
}

TEST(LeaderTransfer, AbortedAfterElectionTimeout) {
  Network net(3);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  net.Isolate(3);
  net.Send(Msg(3, 1, raftpb::MSG_TRANSFER_LEADER));
  EXPECT_EQ(net.node(1)->lead_transferee(), 3u);
  TickN(net.node(1), 10);
  EXPECT_EQ(net.node(1)->lead_transferee(), kNone);
  EXPECT_TRUE(net.node(1)->Step(PropMsg(1)).ok());
}

TEST(Membership, ConfChangeRefusedWhileOneIsPending) {
  Network net(3);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  Raft* leader = net.node(1);
  leader->log().AppliedTo(leader->log().committed());
  Message cc = PropMsg(1);
  cc.mutable_entries(0)->set_type(raftpb::ENTRY_CONF_CHANGE);
  ConfChange change;
  change.set_type(raftpb::CONF_CHANGE_ADD_LEARNER_NODE);
  change.set_node_id(4);
  cc.mutable_entries(0)->set_data(change.SerializeAsString());
  EXPECT_TRUE(leader->Step(cc).ok());
  EXPECT_EQ(leader->Step(cc).message(), kConfChangePending);
}

TEST(Membership, NewLeaderRefusesConfChangeUntilItsNoopIsApplied) {
  Network net(3);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  Raft* leader = net.node(1);
  Message cc = PropMsg(1);
  cc.mutable_entries(0)->set_type(raftpb::ENTRY_CONF_CHANGE);
  EXPECT_EQ(leader->Step(cc).message(), kConfChangePending);
}

TEST(Membership, RemovingVoterShrinksQuorum) {
  Network net(3);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  net.Isolate(3);
  net.Isolate(2);
  net.Send(PropMsg(1));
  Raft* leader = net.node(1);
  const uint64_t commit = leader->log().committed();
  ConfChange cc;
  cc.set_type(raftpb::CONF_CHANGE_REMOVE_NODE);
  cc.set_node_id(2);
  leader->ApplyConfChange(cc);
  EXPECT_EQ(leader->log().committed(), commit) << "1 of {1,3} is not a quorum";
  cc.set_node_id(3);
  leader->ApplyConfChange(cc);
  EXPECT_EQ(leader->log().committed(), leader->log().LastIndex()) << "singleton commits";
}

TEST(Membership, LearnerDoesNotCampaignOrCount) {
  testing::TestOptions o;
  o.learners = {3};
  auto s = NewStorage({1, 2}, {3});
  auto learner = NewTestRaft(3, 10, 1, s.get(), o);
  EXPECT_TRUE(learner->is_learner());
  TickN(learner.get(), 30);
  EXPECT_EQ(learner->state(), StateRole::kFollower);
  EXPECT_TRUE(ReadMessages(learner.get()).empty());
  // Promotion makes it a voter that may campaign.
  ConfChange cc;
  cc.set_type(raftpb::CONF_CHANGE_ADD_NODE);
  cc.set_node_id(3);
  learner->ApplyConfChange(cc);
  EXPECT_FALSE(learner->is_learner());
  TickN(learner.get(), 30);
  EXPECT_NE(learner->state(), StateRole::kFollower);
}

TEST(Membership, RemovedLeaderStepsDownAndHandsOver) {
  Network net(3);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  net.Send(PropMsg(1));
  ConfChange cc;
  cc.set_type(raftpb::CONF_CHANGE_REMOVE_NODE);
  cc.set_node_id(1);
  for (uint64_t id : {1, 2, 3}) net.node(id)->ApplyConfChange(cc);
  EXPECT_EQ(net.node(1)->state(), StateRole::kFollower);
  net.Send(ReadMessages(net.node(1)));  // TimeoutNow to an up-to-date voter
  const bool handed =
      net.node(2)->state() == StateRole::kLeader || net.node(3)->state() == StateRole::kLeader;
  EXPECT_TRUE(handed);
  TickN(net.node(1), 50);
  EXPECT_EQ(net.node(1)->state(), StateRole::kFollower) << "a removed node never campaigns";
}

TEST(FlowControl, InflightWindowPausesAndBatchesEntries) {
  testing::TestOptions o;
  o.max_inflight = 2;
  Network net(2, o);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  Raft* leader = net.node(1);
  ASSERT_EQ(leader->tracker().Get(2)->state, ProgressState::kReplicate);
  int apps = 0;
  for (int i = 0; i < 10; ++i) {
    leader->Step(PropMsg(1)).IgnoreError();
    for (const Message& m : ReadMessages(leader)) apps += m.type() == raftpb::MSG_APP;
  }
  EXPECT_EQ(apps, 2) << "window of 2 messages";
  // Acking frees the window; everything left goes out batched in one message.
  Message ack = Msg(2, 1, raftpb::MSG_APP_RESP, leader->term());
  ack.set_index(leader->tracker().Get(2)->next - 1);
  leader->Step(ack).IgnoreError();
  auto msgs = ReadMessages(leader);
  ASSERT_FALSE(msgs.empty());
  EXPECT_EQ(msgs[0].entries_size(), 8);
}

TEST(FlowControl, ProposalsBeforeReadyShareOneMessage) {
  Network net(3);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  Raft* leader = net.node(1);
  for (int i = 0; i < 100; ++i) leader->Step(PropMsg(1)).IgnoreError();
  auto msgs = ReadMessages(leader);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].entries_size(), 100);
}

TEST(FastBacktracking, OneRoundTripPerTerm) {
  // Leader log: terms 1..1 then 5 x 20. Follower: term 1 then 3 x 50 (a long divergent tail).
  std::vector<uint64_t> leader_terms(1, 1), follower_terms(1, 1);
  for (int i = 0; i < 20; ++i) leader_terms.push_back(5);
  for (int i = 0; i < 50; ++i) follower_terms.push_back(3);
  auto s1 = NewStorage({1, 2});
  auto s2 = NewStorage({1, 2});
  ASSERT_TRUE(s1->Append(EntriesWithTerms(leader_terms)).ok());
  ASSERT_TRUE(s2->Append(EntriesWithTerms(follower_terms)).ok());
  HardState hs;
  hs.set_term(5);
  s1->SetHardState(hs);
  s2->SetHardState(hs);
  auto r1 = NewTestRaft(1, 10, 1, s1.get());
  auto r2 = NewTestRaft(2, 10, 1, s2.get());
  r1->Step(Msg(1, 1, raftpb::MSG_HUP)).IgnoreError();
  Message grant = Msg(2, 1, raftpb::MSG_VOTE_RESP, r1->term());
  r1->Step(grant).IgnoreError();
  ASSERT_EQ(r1->state(), StateRole::kLeader);
  int round_trips = 0;
  auto queue = ReadMessages(r1.get());
  while (!queue.empty() && round_trips < 100) {
    std::vector<Message> next;
    for (const Message& m : queue) {
      if (m.type() != raftpb::MSG_APP) continue;
      ++round_trips;
      r2->Step(m).IgnoreError();
      for (const Message& back : ReadMessages(r2.get())) r1->Step(back).IgnoreError();
      for (const Message& out : ReadMessages(r1.get())) next.push_back(out);
    }
    queue = next;
  }
  EXPECT_LE(round_trips, 4);
  EXPECT_EQ(r2->log().LastIndex(), r1->log().LastIndex());
  EXPECT_EQ(r2->log().LastTerm(), r1->log().LastTerm());
}

}  // namespace
}  // namespace raftkv::raft
