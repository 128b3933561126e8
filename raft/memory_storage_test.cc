#include "raft/memory_storage.h"

#include "gtest/gtest.h"
#include "raft/raft_test_util.h"

namespace raftkv::raft {
namespace {

using testing::EntriesWithTerms;
using testing::MakeEntry;

std::vector<uint64_t> Terms(const std::vector<Entry>& ents) {
  std::vector<uint64_t> out;
  for (const Entry& e : ents) out.push_back(e.term());
  return out;
}

// A storage holding entries 4..6 (terms 4, 5, 6) after a snapshot at 3.
std::unique_ptr<MemoryStorage> Prepared() {
  auto s = std::make_unique<MemoryStorage>();
  raftpb::Snapshot snap;
  snap.mutable_metadata()->set_index(3);
  snap.mutable_metadata()->set_term(3);
  EXPECT_TRUE(s->ApplySnapshot(snap).ok());
  EXPECT_TRUE(s->Append({MakeEntry(4, 4), MakeEntry(5, 5), MakeEntry(6, 6)}).ok());
  return s;
}

TEST(MemoryStorage, TermDistinguishesCompactedAndUnavailable) {
  auto s = Prepared();
  EXPECT_TRUE(IsCompacted(s->Term(2).status()));
  EXPECT_EQ(*s->Term(3), 3u);
  EXPECT_EQ(*s->Term(5), 5u);
  EXPECT_TRUE(IsEntryUnavailable(s->Term(7).status()));
  EXPECT_EQ(s->FirstIndex(), 4u);
  EXPECT_EQ(s->LastIndex(), 6u);
}

TEST(MemoryStorage, EntriesRespectsRangeAndByteCap) {
  auto s = Prepared();
  EXPECT_TRUE(IsCompacted(s->Entries(3, 5, UINT64_MAX).status()));
  EXPECT_TRUE(IsEntryUnavailable(s->Entries(4, 8, UINT64_MAX).status()));
  EXPECT_EQ(Terms(*s->Entries(4, 7, UINT64_MAX)), (std::vector<uint64_t>{4, 5, 6}));
  // A cap smaller than one entry still returns one entry.
  EXPECT_EQ(Terms(*s->Entries(4, 7, 1)), (std::vector<uint64_t>{4}));
  EXPECT_EQ(Terms(*s->Entries(4, 7, 2 * EntrySize(MakeEntry(4, 4)))),
            (std::vector<uint64_t>{4, 5}));
}

TEST(MemoryStorage, AppendTruncatesConflictsAndSkipsCompacted) {
  auto s = Prepared();
  ASSERT_TRUE(s->Append({MakeEntry(5, 7), MakeEntry(6, 7), MakeEntry(7, 7)}).ok());
  EXPECT_EQ(Terms(*s->Entries(4, 8, UINT64_MAX)), (std::vector<uint64_t>{4, 7, 7, 7}));
  ASSERT_TRUE(s->Append({MakeEntry(2, 2), MakeEntry(3, 3), MakeEntry(4, 4), MakeEntry(5, 8)}).ok());
  EXPECT_EQ(Terms(*s->Entries(4, 6, UINT64_MAX)), (std::vector<uint64_t>{4, 8}));
  EXPECT_FALSE(s->Append({MakeEntry(9, 9)}).ok()) << "gaps are refused";
}

TEST(MemoryStorage, CompactAndSnapshot) {
  auto s = Prepared();
  EXPECT_TRUE(IsCompacted(s->Compact(3)));
  ASSERT_TRUE(s->Compact(5).ok());
  EXPECT_EQ(s->FirstIndex(), 6u);
  EXPECT_EQ(*s->Term(5), 5u);
  ConfState cs;
  cs.add_voters(1);
  auto snap = s->CreateSnapshot(6, &cs, "state");
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->metadata().index(), 6u);
  EXPECT_EQ(snap->metadata().term(), 6u);
  EXPECT_EQ(s->Snapshot()->data(), "state");
  EXPECT_FALSE(s->CreateSnapshot(5, &cs, "old").ok());
  EXPECT_FALSE(s->CreateSnapshot(9, &cs, "future").ok());
  auto initial = s->InitialState();
  ASSERT_TRUE(initial.ok());
  EXPECT_EQ(initial->second.voters_size(), 1);
}

TEST(MemoryStorage, ApplySnapshotReplacesLog) {
  auto s = Prepared();
  raftpb::Snapshot snap;
  snap.mutable_metadata()->set_index(10);
  snap.mutable_metadata()->set_term(9);
  ASSERT_TRUE(s->ApplySnapshot(snap).ok());
  EXPECT_EQ(s->FirstIndex(), 11u);
  EXPECT_EQ(s->LastIndex(), 10u);
  snap.mutable_metadata()->set_index(5);
  EXPECT_FALSE(s->ApplySnapshot(snap).ok()) << "older snapshot";
}

}  // namespace
}  // namespace raftkv::raft
