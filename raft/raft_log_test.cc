#include "raft/raft_log.h"

#include "gtest/gtest.h"
#include "raft/memory_storage.h"
#include "raft/raft_test_util.h"

namespace raftkv::raft {
namespace {

using testing::EntriesWithTerms;
using testing::MakeEntry;

TEST(RaftLog, FindConflict) {
  MemoryStorage s;
  RaftLog log(&s, UINT64_MAX);
  log.Append(EntriesWithTerms({1, 2, 3}));
  EXPECT_EQ(log.FindConflict({}), 0u);
  EXPECT_EQ(log.FindConflict(EntriesWithTerms({1, 2, 3})), 0u);
  EXPECT_EQ(log.FindConflict({MakeEntry(2, 2), MakeEntry(3, 3), MakeEntry(4, 4)}), 4u);
  EXPECT_EQ(log.FindConflict({MakeEntry(2, 1), MakeEntry(3, 4)}), 2u);
}

TEST(RaftLog, FindConflictByTermSkipsWholeTerms) {
  MemoryStorage s;
  RaftLog log(&s, UINT64_MAX);
  log.Append(EntriesWithTerms({1, 1, 4, 4, 5, 5}));
  EXPECT_EQ(log.FindConflictByTerm(6, 3), 2u);
  EXPECT_EQ(log.FindConflictByTerm(6, 4), 4u);
  EXPECT_EQ(log.FindConflictByTerm(6, 5), 6u);
  EXPECT_EQ(log.FindConflictByTerm(6, 0), 0u);
}

TEST(RaftLog, MaybeAppendCommitsOnlyWhatMatches) {
  MemoryStorage s;
  RaftLog log(&s, UINT64_MAX);
  log.Append(EntriesWithTerms({1, 2, 3}));
  EXPECT_FALSE(log.MaybeAppend(3, 2, 3, {MakeEntry(4, 4)}).has_value());
  auto last = log.MaybeAppend(3, 3, 10, {MakeEntry(4, 4)});
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(*last, 4u);
  EXPECT_EQ(log.committed(), 4u) << "commit bounded by the last new entry";
  last = log.MaybeAppend(1, 1, 4, {MakeEntry(2, 2)});
  EXPECT_EQ(log.LastIndex(), 4u) << "matching prefix must not truncate";
}

TEST(RaftLog, IsUpToDate) {
  MemoryStorage s;
  RaftLog log(&s, UINT64_MAX);
  log.Append(EntriesWithTerms({1, 2, 3}));
  EXPECT_TRUE(log.IsUpToDate(1, 4));
  EXPECT_FALSE(log.IsUpToDate(5, 2));
  EXPECT_TRUE(log.IsUpToDate(3, 3));
  EXPECT_FALSE(log.IsUpToDate(2, 3));
}

TEST(RaftLog, SliceAcrossStableAndUnstable) {
  MemoryStorage s;
  ASSERT_TRUE(s.Append(EntriesWithTerms({1, 1, 2})).ok());
  RaftLog log(&s, UINT64_MAX);
  log.Append(EntriesWithTerms({2, 3}, 4));
  auto all = log.Slice(2, 6, UINT64_MAX);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[3].term(), 3u);
  auto capped = log.Slice(1, 6, EntrySize(MakeEntry(1, 1)) * 2);
  EXPECT_EQ(capped->size(), 2u);
}

TEST(RaftLog, RestoreFromSnapshot) {
  MemoryStorage s;
  RaftLog log(&s, UINT64_MAX);
  raftpb::Snapshot snap;
  snap.mutable_metadata()->set_index(100);
  snap.mutable_metadata()->set_term(5);
  log.Restore(snap);
  EXPECT_EQ(log.committed(), 100u);
  EXPECT_EQ(log.FirstIndex(), 101u);
  EXPECT_EQ(log.LastIndex(), 100u);
  EXPECT_EQ(log.TermOrZero(100), 5u);
  EXPECT_TRUE(log.HasPendingSnapshot());
  EXPECT_TRUE(IsCompacted(log.Slice(50, 60, UINT64_MAX).status()));
}

TEST(RaftLog, StableToIgnoresReplacedEntries) {
  MemoryStorage s;
  RaftLog log(&s, UINT64_MAX);
  log.Append(EntriesWithTerms({1, 1}));
  log.Append({MakeEntry(2, 2)});
  log.StableTo(2, 1);  // the persisted entry 2 (term 1) was replaced meanwhile
  EXPECT_EQ(log.UnstableEntries().size(), 2u);
  log.StableTo(2, 2);
  EXPECT_TRUE(log.UnstableEntries().empty());
}

TEST(RaftLog, TakenEntriesAreKnownByTermUntilStable) {
  MemoryStorage s;
  RaftLog log(&s, UINT64_MAX);
  log.Append(EntriesWithTerms({1, 1, 2}));
  std::vector<Entry> taken = log.TakeUnstableEntries();
  ASSERT_EQ(taken.size(), 3u);
  EXPECT_TRUE(log.UnstableEntries().empty());
  EXPECT_EQ(log.LastIndex(), 3u);
  EXPECT_EQ(log.TermOrZero(3), 2u);
  EXPECT_TRUE(log.IsInFlight(1));
  EXPECT_TRUE(log.IsInFlight(3));
  // Their data is on its way to storage: nothing reads it meanwhile.
  EXPECT_TRUE(log.Entries(1, UINT64_MAX)->empty());
  log.CommitTo(3);
  EXPECT_FALSE(log.HasNextEntries());
  EXPECT_TRUE(log.NextEntries().empty());
  // An entry appended meanwhile is held in full.
  log.Append({MakeEntry(4, 2, "four")});
  EXPECT_FALSE(log.IsInFlight(4));
  ASSERT_TRUE(s.Append(std::move(taken)).ok());
  log.StableTo(3, 2);
  EXPECT_FALSE(log.IsInFlight(1));
  auto ents = log.Entries(1, UINT64_MAX);
  ASSERT_TRUE(ents.ok());
  ASSERT_EQ(ents->size(), 4u);
  EXPECT_EQ((*ents)[3].data(), "four");
  EXPECT_EQ(log.NextEntries().size(), 3u);
}

TEST(RaftLog, ConflictInsideTakenEntriesKeepsTheReplacement) {
  MemoryStorage s;
  RaftLog log(&s, UINT64_MAX);
  log.Append(EntriesWithTerms({1, 1, 1}));
  std::vector<Entry> taken = log.TakeUnstableEntries();
  // A new leader overwrites entries 2 and 3 before the application reports them stable.
  log.Append({MakeEntry(2, 2, "new")});
  EXPECT_EQ(log.LastIndex(), 2u);
  EXPECT_EQ(log.TermOrZero(2), 2u);
  EXPECT_TRUE(log.IsInFlight(1));
  EXPECT_FALSE(log.IsInFlight(2));
  ASSERT_TRUE(s.Append(std::move(taken)).ok());
  log.StableTo(3, 1);  // no longer our entry 3: ignored
  ASSERT_EQ(log.UnstableEntries().size(), 1u);
  EXPECT_EQ(log.UnstableEntries()[0].data(), "new");
  std::vector<Entry> next = log.TakeUnstableEntries();
  ASSERT_TRUE(s.Append(std::move(next)).ok());
  log.StableTo(2, 2);
  EXPECT_FALSE(log.IsInFlight(1));
  EXPECT_EQ(s.LastIndex(), 2u);
  EXPECT_EQ(s.Term(2).value(), 2u);
}

}  // namespace
}  // namespace raftkv::raft
