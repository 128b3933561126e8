// Tests that follow the Raft paper (and thesis) section by section. Each test names the
// rule it checks; failures mean the implementation broke that rule.
#include <algorithm>
#include <map>
#include <set>

#include "gtest/gtest.h"
#include "raft/raft_test_util.h"

namespace raftkv::raft {
namespace {

using testing::EntriesWithTerms;
using testing::MakeEntry;
using testing::Msg;
using testing::Network;
using testing::NewStorage;
using testing::NewTestRaft;
using testing::PropMsg;
using testing::ReadMessages;

std::vector<Message> FilterType(const std::vector<Message>& msgs, MessageType type) {
  std::vector<Message> out;
  for (const Message& m : msgs) {
    if (m.type() == type) out.push_back(m);
  }
  return out;
}

// Commits the leader's current log by acknowledging it from every follower.
void CommitNoopEntry(Raft* r, MemoryStorage* s) {
  ASSERT_EQ(r->state(), StateRole::kLeader);
  for (const Message& m : ReadMessages(r)) {
    if (m.type() != raftpb::MSG_APP) continue;
    Message ack = Msg(m.to(), r->id(), raftpb::MSG_APP_RESP, r->term());
    ack.set_index(m.index() + m.entries_size());
    r->Step(ack).IgnoreError();
  }
  ReadMessages(r);
  ASSERT_TRUE(s->Append(r->log().UnstableEntries()).ok());
  r->log().AppliedTo(r->log().committed());
  r->log().StableTo(r->log().LastIndex(), r->log().LastTerm());
}

Message AcceptAndReply(const Message& m) {
  Message reply = Msg(m.to(), m.from(), raftpb::MSG_APP_RESP, m.term());
  reply.set_index(m.index() + m.entries_size());
  return reply;
}

// ---------------------------------------------------------------------------
// §5.1: terms

void CheckUpdateTermFromMessage(StateRole role) {
  auto s = NewStorage({1, 2, 3});
  auto r = NewTestRaft(1, 10, 1, s.get());
  if (role == StateRole::kCandidate) r->BecomeCandidate();
  if (role == StateRole::kLeader) {
    r->BecomeCandidate();
    r->BecomeLeader();
  }
  r->Step(Msg(2, 1, raftpb::MSG_APP, 2)).IgnoreError();
  EXPECT_EQ(r->term(), 2u);
  EXPECT_EQ(r->state(), StateRole::kFollower);
  EXPECT_EQ(r->lead(), 2u);
}

// "If one server's current term is smaller than the other's, it updates its term."
TEST(Paper5_1, FollowerUpdatesTermFromMessage) { CheckUpdateTermFromMessage(StateRole::kFollower); }
// "If a candidate or leader discovers that its term is out of date, it reverts to follower."
TEST(Paper5_1, CandidateUpdatesTermFromMessage) {
  CheckUpdateTermFromMessage(StateRole::kCandidate);
}
TEST(Paper5_1, LeaderUpdatesTermFromMessage) { CheckUpdateTermFromMessage(StateRole::kLeader); }

// "If a server receives a request with a stale term number, it rejects the request."
TEST(Paper5_1, RejectsStaleTermMessage) {
  auto s = NewStorage({1, 2, 3});
  auto r = NewTestRaft(1, 10, 1, s.get());
  r->BecomeFollower(2, kNone);
  Message m = Msg(3, 1, raftpb::MSG_APP, 1);
  m.add_entries()->CopyFrom(MakeEntry(1, 1));
  r->Step(m).IgnoreError();
  EXPECT_EQ(r->log().LastIndex(), 0u);
  EXPECT_EQ(r->lead(), kNone);
  EXPECT_EQ(r->term(), 2u);
}

// "When servers start up, they begin as followers."
TEST(Paper5_1, StartsAsFollower) {
  auto s = NewStorage({1, 2, 3});
  auto r = NewTestRaft(1, 10, 1, s.get());
  EXPECT_EQ(r->state(), StateRole::kFollower);
}

// "Leaders send periodic heartbeats (AppendEntries with no entries) to all followers."
TEST(Paper5_1, LeaderBroadcastsHeartbeats) {
  const int hi = 1;
  auto s = NewStorage({1, 2, 3});
  auto r = NewTestRaft(1, 10, hi, s.get());
  r->BecomeCandidate();
  r->BecomeLeader();
  ReadMessages(r.get());
  for (int i = 0; i < hi; ++i) r->Tick();
  auto msgs = ReadMessages(r.get());
  ASSERT_EQ(msgs.size(), 2u);
  std::set<uint64_t> to;
  for (const Message& m : msgs) {
    EXPECT_EQ(m.type(), raftpb::MSG_HEARTBEAT);
    EXPECT_EQ(m.term(), 1u);
    EXPECT_EQ(m.entries_size(), 0);
    to.insert(m.to());
  }
  EXPECT_EQ(to, (std::set<uint64_t>{2, 3}));
}

// ---------------------------------------------------------------------------
// §5.2: leader election

void CheckNonleaderStartsElection(StateRole role) {
  const int et = 10;
  auto s = NewStorage({1, 2, 3});
  auto r = NewTestRaft(1, et, 1, s.get());
  if (role == StateRole::kFollower) r->BecomeFollower(1, 2);
  if (role == StateRole::kCandidate) r->BecomeCandidate();
  for (int i = 1; i < 2 * et; ++i) r->Tick();
  EXPECT_EQ(r->term(), 2u);
  EXPECT_EQ(r->state(), StateRole::kCandidate);
  EXPECT_EQ(r->vote(), 1u) << "a candidate votes for itself";
  auto votes = FilterType(ReadMessages(r.get()), raftpb::MSG_VOTE);
  ASSERT_EQ(votes.size(), 2u);
  for (const Message& m : votes) EXPECT_EQ(m.term(), 2u);
}

// "If a follower receives no communication over the election timeout, it begins an election."
TEST(Paper5_2, FollowerStartsElection) { CheckNonleaderStartsElection(StateRole::kFollower); }
// "A candidate that neither wins nor loses times out and starts a new election."
TEST(Paper5_2, CandidateRestartsElection) { CheckNonleaderStartsElection(StateRole::kCandidate); }

// "A candidate wins if it receives votes from a majority; loses if a majority rejects."
TEST(Paper5_2, LeaderElectionInOneRound) {
  struct Case {
    int size;
    std::map<uint64_t, bool> votes;
    StateRole want;
  } cases[] = {
      {1, {}, StateRole::kLeader},
      {3, {{2, true}, {3, true}}, StateRole::kLeader},
      {3, {{2, true}}, StateRole::kLeader},
      {5, {{2, true}, {3, true}, {4, true}, {5, true}}, StateRole::kLeader},
      {5, {{2, true}, {3, true}, {4, true}}, StateRole::kLeader},
      {5, {{2, true}, {3, true}}, StateRole::kLeader},
      {3, {{2, false}, {3, false}}, StateRole::kFollower},
      {5, {{2, false}, {3, false}, {4, false}, {5, false}}, StateRole::kFollower},
      {5, {{2, true}, {3, false}, {4, false}, {5, false}}, StateRole::kFollower},
      {3, {}, StateRole::kCandidate},
      {5, {{2, true}}, StateRole::kCandidate},
      {5, {{2, false}, {3, false}}, StateRole::kCandidate},
      {5, {}, StateRole::kCandidate},
  };
  for (const Case& c : cases) {
    std::vector<uint64_t> ids;
    for (int i = 1; i <= c.size; ++i) ids.push_back(i);
    auto s = NewStorage(ids);
    auto r = NewTestRaft(1, 10, 1, s.get());
    r->Step(Msg(1, 1, raftpb::MSG_HUP)).IgnoreError();
    for (const auto& [id, granted] : c.votes) {
      Message m = Msg(id, 1, raftpb::MSG_VOTE_RESP, r->term());
      m.set_reject(!granted);
      r->Step(m).IgnoreError();
    }
    EXPECT_EQ(r->state(), c.want) << "size " << c.size;
    EXPECT_EQ(r->term(), 1u);
  }
}

// "Each server votes for at most one candidate in a given term, first-come-first-served."
TEST(Paper5_2, FollowerVotesOncePerTerm) {
  struct Case {
    uint64_t vote, nvote;
    bool reject;
  } cases[] = {{kNone, 1, false}, {kNone, 2, false}, {1, 1, false},
               {2, 2, false},     {1, 2, true},      {2, 1, true}};
  for (const Case& c : cases) {
    auto s = NewStorage({1, 2, 3});
    auto r = NewTestRaft(1, 10, 1, s.get());
    HardState hs;
    hs.set_term(1);
    hs.set_vote(c.vote);
    s->SetHardState(hs);
    r = NewTestRaft(1, 10, 1, s.get());
    r->Step(Msg(c.nvote, 1, raftpb::MSG_VOTE, 1)).IgnoreError();
    auto msgs = ReadMessages(r.get());
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].type(), raftpb::MSG_VOTE_RESP);
    EXPECT_EQ(msgs[0].reject(), c.reject);
  }
}

// "If the AppendEntries RPC is from a leader whose term is at least the candidate's,
// the candidate returns to follower state."
TEST(Paper5_2, CandidateFallsBackToFollower) {
  for (uint64_t term : {1u, 2u}) {
    auto s = NewStorage({1, 2, 3});
    auto r = NewTestRaft(1, 10, 1, s.get());
    r->Step(Msg(1, 1, raftpb::MSG_HUP)).IgnoreError();
    ASSERT_EQ(r->state(), StateRole::kCandidate);
    r->Step(Msg(2, 1, raftpb::MSG_APP, term)).IgnoreError();
    EXPECT_EQ(r->state(), StateRole::kFollower);
    EXPECT_EQ(r->term(), term);
    EXPECT_EQ(r->lead(), 2u);
  }
}

// "Election timeouts are chosen randomly from a fixed interval [T, 2T)."
TEST(Paper5_2, ElectionTimeoutIsRandomized) {
  const int et = 10;
  std::set<int> seen;
  auto s = NewStorage({1, 2, 3});
  auto r = NewTestRaft(1, et, 1, s.get());
  for (int i = 0; i < 50 * et; ++i) {
    r->BecomeFollower(r->term() + 1, kNone);
    int ticks = 0;
    while (r->state() == StateRole::kFollower) {
      r->Tick();
      ++ticks;
    }
    EXPECT_GE(ticks, et);
    EXPECT_LT(ticks, 2 * et);
    seen.insert(ticks);
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(et)) << "every timeout in [T, 2T) should occur";
}

// "Randomized timeouts ensure that in most cases only a single server times out."
TEST(Paper5_2, ElectionTimeoutsRarelyConflict) {
  const int et = 10, size = 5, rounds = 1000;
  int conflicts = 0;
  std::vector<std::unique_ptr<MemoryStorage>> storages;
  std::vector<std::unique_ptr<Raft>> rs;
  for (uint64_t id = 1; id <= size; ++id) {
    storages.push_back(NewStorage({1, 2, 3, 4, 5}));
    testing::TestOptions o;
    o.seed = id * 7919;
    rs.push_back(NewTestRaft(id, et, 1, storages.back().get(), o));
  }
  for (int round = 0; round < rounds; ++round) {
    for (auto& r : rs) r->BecomeFollower(r->term() + 1, kNone);
    int timed_out = 0;
    while (timed_out == 0) {
      for (auto& r : rs) {
        r->Tick();
        if (!ReadMessages(r.get()).empty()) ++timed_out;
      }
    }
    if (timed_out > 1) ++conflicts;
  }
  EXPECT_LE(static_cast<double>(conflicts) / rounds, 0.3);
}

// ---------------------------------------------------------------------------
// §5.3: log replication

// "The leader appends the command as a new entry, then issues AppendEntries in parallel."
TEST(Paper5_3, LeaderStartsReplication) {
  auto s = NewStorage({1, 2, 3});
  auto r = NewTestRaft(1, 10, 1, s.get());
  r->BecomeCandidate();
  r->BecomeLeader();
  CommitNoopEntry(r.get(), s.get());
  const uint64_t li = r->log().LastIndex();
  r->Step(PropMsg(1, "some data")).IgnoreError();
  EXPECT_EQ(r->log().LastIndex(), li + 1);
  EXPECT_EQ(r->log().committed(), li);
  auto msgs = ReadMessages(r.get());
  ASSERT_EQ(msgs.size(), 2u);
  for (const Message& m : msgs) {
    EXPECT_EQ(m.type(), raftpb::MSG_APP);
    EXPECT_EQ(m.index(), li);
    EXPECT_EQ(m.log_term(), 1u);
    EXPECT_EQ(m.commit(), li);
    ASSERT_EQ(m.entries_size(), 1);
    EXPECT_EQ(m.entries(0).index(), li + 1);
    EXPECT_EQ(m.entries(0).data(), "some data");
  }
  EXPECT_EQ(r->log().UnstableEntries().back().data(), "some data");
}

// "An entry is committed once replicated on a majority; the leader tracks the highest
// committed index and includes it in future AppendEntries."
TEST(Paper5_3, LeaderCommitsEntry) {
  auto s = NewStorage({1, 2, 3});
  auto r = NewTestRaft(1, 10, 1, s.get());
  r->BecomeCandidate();
  r->BecomeLeader();
  CommitNoopEntry(r.get(), s.get());
  const uint64_t li = r->log().LastIndex();
  r->Step(PropMsg(1, "some data")).IgnoreError();
  for (const Message& m : ReadMessages(r.get())) r->Step(AcceptAndReply(m)).IgnoreError();
  EXPECT_EQ(r->log().committed(), li + 1);
  auto next = r->log().NextEntries();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].data(), "some data");
  auto msgs = ReadMessages(r.get());
  ASSERT_EQ(msgs.size(), 2u);
  for (const Message& m : msgs) {
    EXPECT_EQ(m.type(), raftpb::MSG_APP);
    EXPECT_EQ(m.commit(), li + 1);
  }
}

// "A log entry is committed once the leader has replicated it on a majority of servers."
TEST(Paper5_3, LeaderAcknowledgesCommitOnMajority) {
  struct Case {
    int size;
    std::set<uint64_t> acceptors;
    bool committed;
  } cases[] = {
      {1, {}, true},     {3, {}, false},       {3, {2}, true},
      {3, {2, 3}, true}, {5, {}, false},       {5, {2}, false},
      {5, {2, 3}, true}, {5, {2, 3, 4}, true}, {5, {2, 3, 4, 5}, true},
  };
  for (const Case& c : cases) {
    std::vector<uint64_t> ids;
    for (int i = 1; i <= c.size; ++i) ids.push_back(i);
    auto s = NewStorage(ids);
    auto r = NewTestRaft(1, 10, 1, s.get());
    r->BecomeCandidate();
    r->BecomeLeader();
    CommitNoopEntry(r.get(), s.get());
    const uint64_t li = r->log().LastIndex();
    r->Step(PropMsg(1)).IgnoreError();
    for (const Message& m : ReadMessages(r.get())) {
      if (c.acceptors.count(m.to())) r->Step(AcceptAndReply(m)).IgnoreError();
    }
    EXPECT_EQ(r->log().committed() > li, c.committed) << "size " << c.size;
  }
}

// "When the leader commits an entry, it also commits all preceding entries, including
// entries created by previous leaders."
TEST(Paper5_3, LeaderCommitsPrecedingEntries) {
  std::vector<std::vector<uint64_t>> logs = {{}, {2}, {1, 2}, {1}};
  for (const auto& terms : logs) {
    auto s = NewStorage({1, 2, 3});
    ASSERT_TRUE(s->Append(EntriesWithTerms(terms)).ok());
    HardState hs;
    hs.set_term(2);
    s->SetHardState(hs);
    auto r = NewTestRaft(1, 10, 1, s.get());
    r->BecomeCandidate();
    r->BecomeLeader();
    r->Step(PropMsg(1)).IgnoreError();
    for (const Message& m : ReadMessages(r.get())) r->Step(AcceptAndReply(m)).IgnoreError();
    const uint64_t li = terms.size();
    auto next = r->log().NextEntries();
    ASSERT_EQ(next.size(), li + 2);  // old entries + no-op + proposal
    for (size_t i = 0; i < li; ++i) EXPECT_EQ(next[i].term(), terms[i]);
    EXPECT_EQ(next[li].term(), 3u);
    EXPECT_EQ(next[li + 1].data(), "somedata");
  }
}

// "Once a follower learns that a log entry is committed, it applies the entry."
TEST(Paper5_3, FollowerCommitsEntry) {
  struct Case {
    std::vector<Entry> ents;
    uint64_t commit;
  } cases[] = {
      {{MakeEntry(1, 1, "a")}, 1},
      {{MakeEntry(1, 1, "a"), MakeEntry(2, 1, "b")}, 2},
      {{MakeEntry(1, 1, "a"), MakeEntry(2, 1, "b")}, 1},
  };
  for (const Case& c : cases) {
    auto s = NewStorage({1, 2, 3});
    auto r = NewTestRaft(1, 10, 1, s.get());
    r->BecomeFollower(1, 2);
    Message m = Msg(2, 1, raftpb::MSG_APP, 1);
    m.set_commit(c.commit);
    for (const Entry& e : c.ents) *m.add_entries() = e;
    r->Step(m).IgnoreError();
    EXPECT_EQ(r->log().committed(), c.commit);
    auto next = r->log().NextEntries();
    ASSERT_EQ(next.size(), c.commit);
    for (size_t i = 0; i < c.commit; ++i) EXPECT_EQ(next[i].data(), c.ents[i].data());
  }
}

// "If the follower does not find an entry with the same index and term, it refuses."
TEST(Paper5_3, FollowerChecksAppendConsistency) {
  struct Case {
    uint64_t term, index;
    bool reject;
    uint64_t want_hint;
  } cases[] = {
      {0, 0, false, 0}, {1, 1, false, 0}, {2, 2, false, 0}, {1, 2, true, 1}, {3, 3, true, 2},
  };
  for (const Case& c : cases) {
    auto s = NewStorage({1, 2, 3});
    ASSERT_TRUE(s->Append(EntriesWithTerms({1, 2})).ok());
    auto r = NewTestRaft(1, 10, 1, s.get());
    r->BecomeFollower(2, 2);
    Message m = Msg(2, 1, raftpb::MSG_APP, 2);
    m.set_log_term(c.term);
    m.set_index(c.index);
    r->Step(m).IgnoreError();
    auto msgs = ReadMessages(r.get());
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].type(), raftpb::MSG_APP_RESP);
    EXPECT_EQ(msgs[0].reject(), c.reject) << "index " << c.index << " term " << c.term;
    EXPECT_EQ(msgs[0].index(), c.index);
    EXPECT_EQ(msgs[0].reject_hint(), c.want_hint);
  }
}

// "If an existing entry conflicts with a new one, delete it and all that follow it;
// append any new entries not already in the log."
TEST(Paper5_3, FollowerAppendsAndTruncatesConflicts) {
  struct Case {
    uint64_t index, term;
    std::vector<uint64_t> new_terms;  // entries at index+1...
    std::vector<uint64_t> want;
  } cases[] = {
      {2, 2, {3}, {1, 2, 3}},
      {1, 1, {3, 4}, {1, 3, 4}},
      {0, 0, {1}, {1, 2}},
      {0, 0, {3}, {3}},
  };
  for (const Case& c : cases) {
    auto s = NewStorage({1, 2, 3});
    ASSERT_TRUE(s->Append(EntriesWithTerms({1, 2})).ok());
    auto r = NewTestRaft(1, 10, 1, s.get());
    r->BecomeFollower(2, 2);
    Message m = Msg(2, 1, raftpb::MSG_APP, 2);
    m.set_log_term(c.term);
    m.set_index(c.index);
    for (const Entry& e : EntriesWithTerms(c.new_terms, c.index + 1)) *m.add_entries() = e;
    r->Step(m).IgnoreError();
    auto all = r->log().Slice(1, r->log().LastIndex() + 1, UINT64_MAX);
    ASSERT_TRUE(all.ok());
    std::vector<uint64_t> terms;
    for (const Entry& e : *all) terms.push_back(e.term());
    EXPECT_EQ(terms, c.want);
  }
}

std::vector<uint64_t> LogTerms(const Raft& r) {
  std::vector<uint64_t> terms;
  auto all = r.log().Slice(r.log().FirstIndex(), r.log().LastIndex() + 1, UINT64_MAX);
  for (const Entry& e : *all) terms.push_back(e.term());
  return terms;
}

// Figure 7: "the leader brings followers' logs into consistency with its own".
TEST(Paper5_3, LeaderSyncsFollowerLogs) {
  const std::vector<uint64_t> leader_log = {1, 1, 1, 4, 4, 5, 5, 6, 6, 6};
  const std::vector<std::vector<uint64_t>> follower_logs = {
      {1, 1, 1, 4, 4, 5, 5, 6, 6},
      {1, 1, 1, 4},
      {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6},
      {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7},
      {1, 1, 1, 4, 4, 4, 4},
      {1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3},
  };
  for (const auto& flog : follower_logs) {
    auto s1 = NewStorage({1, 2, 3});
    auto s2 = NewStorage({1, 2, 3});
    ASSERT_TRUE(s1->Append(EntriesWithTerms(leader_log)).ok());
    ASSERT_TRUE(s2->Append(EntriesWithTerms(flog)).ok());
    HardState hs;
    hs.set_term(8);
    s1->SetHardState(hs);
    hs.set_term(7);
    s2->SetHardState(hs);
    auto r1 = NewTestRaft(1, 10, 1, s1.get());
    auto r2 = NewTestRaft(2, 10, 1, s2.get());
    r1->Step(Msg(1, 1, raftpb::MSG_HUP)).IgnoreError();
    r1->Step([] {
        Message m = Msg(3, 1, raftpb::MSG_VOTE_RESP, 9);
        return m;
      }())
        .IgnoreError();
    ASSERT_EQ(r1->state(), StateRole::kLeader);
    std::vector<Message> queue = ReadMessages(r1.get());
    for (int round = 0; round < 100 && !queue.empty(); ++round) {
      std::vector<Message> next;
      for (const Message& m : queue) {
        if (m.to() != 2) continue;
        r2->Step(m).IgnoreError();
        for (const Message& back : ReadMessages(r2.get())) {
          r1->Step(back).IgnoreError();
          for (const Message& out : ReadMessages(r1.get())) next.push_back(out);
        }
      }
      queue = next;
    }
    std::vector<uint64_t> want = leader_log;
    want.push_back(9);  // the new leader's no-op
    EXPECT_EQ(LogTerms(*r2), want);
  }
}

// ---------------------------------------------------------------------------
// §5.4: safety

// "The RequestVote RPC includes information about the candidate's log."
TEST(Paper5_4, VoteRequestCarriesLastLogPosition) {
  auto s = NewStorage({1, 2, 3});
  auto r = NewTestRaft(1, 10, 1, s.get());
  Message app = Msg(2, 1, raftpb::MSG_APP, 3);
  *app.add_entries() = MakeEntry(1, 1);
  *app.add_entries() = MakeEntry(2, 2);
  r->Step(app).IgnoreError();
  ReadMessages(r.get());
  for (int i = 0; i < 2 * 10; ++i) r->Tick();
  auto votes = FilterType(ReadMessages(r.get()), raftpb::MSG_VOTE);
  ASSERT_EQ(votes.size(), 2u);
  for (const Message& m : votes) {
    EXPECT_EQ(m.index(), 2u);
    EXPECT_EQ(m.log_term(), 2u);
    EXPECT_EQ(m.term(), 4u);
  }
}

// "The voter denies its vote if its own log is more up-to-date than the candidate's."
TEST(Paper5_4, VoterChecksUpToDate) {
  struct Case {
    std::vector<uint64_t> log;
    uint64_t log_term, index;
    bool reject;
  } cases[] = {
      {{1}, 1, 1, false}, {{1}, 1, 2, false}, {{1, 1}, 1, 1, true},
      {{1}, 2, 1, false}, {{1}, 2, 2, false}, {{1, 1}, 2, 1, false},
      {{2}, 1, 1, true},  {{2}, 1, 2, true},  {{2, 1}, 1, 1, true},
  };
  for (const Case& c : cases) {
    auto s = NewStorage({1, 2});
    ASSERT_TRUE(s->Append(EntriesWithTerms(c.log)).ok());
    auto r = NewTestRaft(1, 10, 1, s.get());
    Message m = Msg(2, 1, raftpb::MSG_VOTE, 3);
    m.set_log_term(c.log_term);
    m.set_index(c.index);
    r->Step(m).IgnoreError();
    auto msgs = ReadMessages(r.get());
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].reject(), c.reject);
  }
}

// "Raft never commits log entries from previous terms by counting replicas."
TEST(Paper5_4, LeaderOnlyCommitsEntriesOfCurrentTermByCounting) {
  struct Case {
    uint64_t index, want_commit;
  } cases[] = {{1, 0}, {2, 0}, {3, 3}};
  for (const Case& c : cases) {
    auto s = NewStorage({1, 2});
    ASSERT_TRUE(s->Append(EntriesWithTerms({1, 2})).ok());
    HardState hs;
    hs.set_term(2);
    s->SetHardState(hs);
    auto r = NewTestRaft(1, 10, 1, s.get());
    r->BecomeCandidate();  // term 3
    r->BecomeLeader();     // no-op at index 3
    ReadMessages(r.get());
    Message ack = Msg(2, 1, raftpb::MSG_APP_RESP, r->term());
    ack.set_index(c.index);
    r->Step(ack).IgnoreError();
    EXPECT_EQ(r->log().committed(), c.want_commit);
  }
}

// ---------------------------------------------------------------------------
// §6 (thesis): client interaction — ReadIndex

// "The leader must commit an entry of its term before serving reads (§6.4, step 1)."
TEST(Paper6, ReadIndexWaitsForFirstCommitOfTerm) {
  Network net(3);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  Raft* leader = net.node(1);
  ASSERT_EQ(leader->state(), StateRole::kLeader);
  // A new leader whose no-op is not yet committed: cut it off from followers.
  net.Isolate(1);
  leader->BecomeFollower(leader->term(), kNone);
  net.Recover();
  net.Ignore(raftpb::MSG_APP_RESP);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  ASSERT_EQ(leader->state(), StateRole::kLeader);
  ASSERT_NE(leader->log().TermOrZero(leader->log().committed()), leader->term());
  Message read = Msg(1, 1, raftpb::MSG_READ_INDEX);
  read.add_entries()->set_data("ctx1");
  net.Send(read);
  EXPECT_TRUE(leader->read_states().empty()) << "read served before a commit in this term";
  net.Recover();
  net.Send(Msg(1, 1, raftpb::MSG_BEAT));
  ASSERT_EQ(leader->read_states().size(), 1u);
  EXPECT_EQ(leader->read_states()[0].request_ctx, "ctx1");
  EXPECT_EQ(leader->read_states()[0].index, leader->log().committed());
}

// "Followers may serve reads: they ask the leader for its read index (§6.4.1)."
TEST(Paper6, ReadIndexFromFollower) {
  Network net(3);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  net.Send(PropMsg(1, "x"));
  Message read = Msg(2, 2, raftpb::MSG_READ_INDEX);
  read.add_entries()->set_data("ctx-follower");
  net.Send(read);
  Raft* follower = net.node(2);
  ASSERT_EQ(follower->read_states().size(), 1u);
  EXPECT_EQ(follower->read_states()[0].request_ctx, "ctx-follower");
  EXPECT_EQ(follower->read_states()[0].index, net.node(1)->log().committed());
}

// "The leader confirms it is still leader by a heartbeat round with a majority (§6.4 step 3)."
TEST(Paper6, ReadIndexNeedsQuorumOfHeartbeatAcks) {
  Network net(3);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  net.Isolate(1);
  Message read = Msg(1, 1, raftpb::MSG_READ_INDEX);
  read.add_entries()->set_data("ctx");
  net.Send(read);
  EXPECT_TRUE(net.node(1)->read_states().empty());
  net.Recover();
  net.Send(Msg(1, 1, raftpb::MSG_BEAT));  // the retried heartbeat carries the pending ctx
  EXPECT_EQ(net.node(1)->read_states().size(), 1u);
}

// ---------------------------------------------------------------------------
// §9.6 (thesis): PreVote

// "A partitioned server does not increase its term while it cannot win a pre-vote."
TEST(Paper9_6, PartitionedNodeDoesNotInflateTerm) {
  testing::TestOptions o;
  o.pre_vote = true;
  Network net(3, o);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  const uint64_t term = net.node(1)->term();
  net.Isolate(3);
  for (int i = 0; i < 5; ++i) net.Send(Msg(3, 3, raftpb::MSG_HUP));
  EXPECT_EQ(net.node(3)->term(), term);
  EXPECT_NE(net.node(3)->state(), StateRole::kCandidate) << "no real election without a quorum";
  net.Recover();
  net.Send(Msg(1, 1, raftpb::MSG_BEAT));
  EXPECT_EQ(net.node(1)->state(), StateRole::kLeader) << "rejoining node must not disrupt";
  EXPECT_EQ(net.node(1)->term(), term);
}

// "A pre-vote is granted only if the candidate's log is up to date and the voter has
// not heard from a leader" — and a winning pre-vote leads to a real election.
TEST(Paper9_6, PreVoteThenElection) {
  testing::TestOptions o;
  o.pre_vote = true;
  Network net(3, o);
  net.Send(Msg(1, 1, raftpb::MSG_HUP));
  EXPECT_EQ(net.node(1)->state(), StateRole::kLeader);
  EXPECT_EQ(net.node(1)->term(), 1u);
  net.Send(PropMsg(1));
  // Node 3 falls behind; its pre-vote must be refused by up-to-date voters.
  net.Isolate(3);
  net.Send(PropMsg(1));
  net.Recover();
  net.node(1)->BecomeFollower(net.node(1)->term(), kNone);
  net.node(2)->BecomeFollower(net.node(2)->term(), kNone);
  net.Cut(1, 3);
  net.Send(Msg(3, 3, raftpb::MSG_HUP));
  EXPECT_NE(net.node(3)->state(), StateRole::kLeader);
  EXPECT_EQ(net.node(3)->term(), 1u);
}

}  // namespace
}  // namespace raftkv::raft
