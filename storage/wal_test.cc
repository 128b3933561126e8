#include "storage/wal.h"

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/wal_record.h"
#include "storage/wal_test_util.h"

namespace raftkv::storage {
namespace {

using testing::CountingFileSystem;
using ::testing::HasSubstr;
using testing::MakeTempDir;

raftpb::Entry MakeEntry(uint64_t index, uint64_t term, const std::string& data = "") {
  raftpb::Entry e;
  e.set_index(index);
  e.set_term(term);
  e.set_data(data.empty() ? absl::StrCat("cmd-", index, "-", term) : data);
  return e;
}

std::vector<raftpb::Entry> MakeEntries(uint64_t from, uint64_t to, uint64_t term) {
  std::vector<raftpb::Entry> entries;
  for (uint64_t i = from; i <= to; ++i) entries.push_back(MakeEntry(i, term));
  return entries;
}

raftpb::HardState MakeHardState(uint64_t term, uint64_t vote, uint64_t commit) {
  raftpb::HardState hs;
  hs.set_term(term);
  hs.set_vote(vote);
  hs.set_commit(commit);
  return hs;
}

raftpb::SnapshotMetadata MakeMark(uint64_t index, uint64_t term) {
  raftpb::SnapshotMetadata m;
  m.set_index(index);
  m.set_term(term);
  m.mutable_conf_state()->add_voters(1);
  m.mutable_conf_state()->add_voters(2);
  return m;
}

// "index@term" for every entry, for readable comparisons.
std::vector<std::string> Describe(const std::vector<raftpb::Entry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(absl::StrCat(e.index(), "@", e.term()));
  return out;
}

std::vector<std::string> DescribeRange(uint64_t from, uint64_t to, uint64_t term) {
  return Describe(MakeEntries(from, to, term));
}

uint64_t SizeOf(const std::string& path) { return *FileSystem::Default()->FileSize(path); }

void AppendBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::app) << bytes;
}

void OverwriteByte(const std::string& path, uint64_t offset, char value) {
  std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(value);
}

class WalTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = JoinPath(MakeTempDir(), "member/wal"); }

  std::unique_ptr<Wal> CreateWal(WalOptions options = {}) {
    auto wal = Wal::Create(dir_, "member-7/cluster-9", options);
    EXPECT_TRUE(wal.ok()) << wal.status();
    return wal.ok() ? *std::move(wal) : nullptr;
  }

  WalContents Reopen(WalOptions options = {}) {
    auto wal = Wal::Open(dir_, options);
    EXPECT_TRUE(wal.ok()) << wal.status();
    if (!wal.ok()) return {};
    auto contents = (*wal)->ReadAll();
    EXPECT_TRUE(contents.ok()) << contents.status();
    return contents.ok() ? *std::move(contents) : WalContents{};
  }

  std::string dir_;
};

TEST_F(WalTest, RoundTripsEntriesHardStateAndMetadata) {
  auto wal = CreateWal();
  ASSERT_TRUE(wal->Save(MakeHardState(2, 1, 3), MakeEntries(1, 5, 2)).ok());
  ASSERT_TRUE(wal->Close().ok());

  WalContents c = Reopen();
  EXPECT_EQ(c.metadata, "member-7/cluster-9");
  EXPECT_EQ(c.hard_state.term(), 2u);
  EXPECT_EQ(c.hard_state.vote(), 1u);
  EXPECT_EQ(c.hard_state.commit(), 3u);
  EXPECT_EQ(c.snapshot.index(), 0u);
  EXPECT_EQ(Describe(c.entries), DescribeRange(1, 5, 2));
  EXPECT_EQ(c.entries[2].data(), "cmd-3-2");
}

TEST_F(WalTest, ContinuesAppendingAfterRestart) {
  {
    auto wal = CreateWal();
    ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 0), MakeEntries(1, 3, 1)).ok());
  }
  {
    auto wal = Wal::Open(dir_);
    ASSERT_TRUE(wal.ok()) << wal.status();
    EXPECT_EQ((*wal)->last_index(), 3u);
    ASSERT_TRUE((*wal)->Save(MakeHardState(1, 1, 3), MakeEntries(4, 6, 1)).ok());
  }
  WalContents c = Reopen();
  EXPECT_EQ(Describe(c.entries), DescribeRange(1, 6, 1));
  EXPECT_EQ(c.hard_state.commit(), 3u);
}

TEST_F(WalTest, CreateRefusesExistingLogAndOpenRefusesMissingOne) {
  CreateWal();
  EXPECT_TRUE(absl::IsAlreadyExists(Wal::Create(dir_, "x").status()));
  EXPECT_TRUE(absl::IsNotFound(Wal::Open(dir_ + "-nope").status()));
  EXPECT_TRUE(Wal::Exists(dir_));
  EXPECT_FALSE(Wal::Exists(dir_ + "-nope"));
}

TEST_F(WalTest, ReadAllHandsOverOnce) {
  auto wal = CreateWal();
  auto first = wal->ReadAll();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->metadata, "member-7/cluster-9");
  EXPECT_TRUE(absl::IsFailedPrecondition(wal->ReadAll().status()));
}

TEST_F(WalTest, LaterEntryWithSameIndexReplacesTheSuffix) {
  auto wal = CreateWal();
  ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 0), MakeEntries(1, 5, 1)).ok());
  // A new leader in term 2 overwrites the uncommitted entries 3..5 with 3..4.
  ASSERT_TRUE(wal->Save(MakeHardState(2, 2, 2), MakeEntries(3, 4, 2)).ok());
  EXPECT_EQ(wal->last_index(), 4u);
  ASSERT_TRUE(wal->Save({}, MakeEntries(5, 5, 2)).ok());
  wal.reset();

  WalContents c = Reopen();
  EXPECT_EQ(Describe(c.entries), (std::vector<std::string>{"1@1", "2@1", "3@2", "4@2", "5@2"}));
}

TEST_F(WalTest, LatestHardStateWins) {
  auto wal = CreateWal();
  ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 0), MakeEntries(1, 2, 1)).ok());
  ASSERT_TRUE(wal->Save(MakeHardState(3, 2, 1), {}).ok());
  ASSERT_TRUE(wal->Save(MakeHardState(3, 2, 2), {}).ok());
  // An empty hard state means "no change", not "reset".
  ASSERT_TRUE(wal->Save(raftpb::HardState(), {}).ok());
  wal.reset();
  WalContents c = Reopen();
  EXPECT_EQ(c.hard_state.term(), 3u);
  EXPECT_EQ(c.hard_state.vote(), 2u);
  EXPECT_EQ(c.hard_state.commit(), 2u);
}

TEST_F(WalTest, FsyncsOncePerSaveAndNotAtAllWhenNothingMustBeDurable) {
  CountingFileSystem fs;
  WalOptions options;
  options.fs = &fs;
  auto wal = CreateWal(options);

  fs.file_syncs = 0;
  ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 0), MakeEntries(1, 100, 1)).ok());
  EXPECT_EQ(fs.file_syncs, 1);

  ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 0), {}).ok());  // unchanged
  EXPECT_EQ(fs.file_syncs, 1);
  ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 50), {}).ok());  // commit only
  EXPECT_EQ(fs.file_syncs, 1);
  ASSERT_TRUE(wal->Save(MakeHardState(2, 0, 50), {}).ok());  // new term: must be durable
  EXPECT_EQ(fs.file_syncs, 2);
  ASSERT_TRUE(wal->Save(MakeHardState(2, 2, 60), MakeEntries(101, 110, 2)).ok());
  EXPECT_EQ(fs.file_syncs, 3);
  ASSERT_TRUE(wal->SaveSnapshotMark(MakeMark(50, 1)).ok());
  EXPECT_EQ(fs.file_syncs, 4);
}

TEST_F(WalTest, CloseMakesUnsyncedCommitChangeDurable) {
  CountingFileSystem fs;
  WalOptions options;
  options.fs = &fs;
  auto wal = CreateWal(options);
  ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 0), MakeEntries(1, 3, 1)).ok());
  ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 3), {}).ok());
  const int before = fs.file_syncs;
  ASSERT_TRUE(wal->Close().ok());
  EXPECT_EQ(fs.file_syncs, before + 1);
  EXPECT_EQ(Reopen().hard_state.commit(), 3u);
}

TEST_F(WalTest, FailedFsyncMakesTheLogRefuseFurtherWrites) {
  CountingFileSystem fs;
  WalOptions options;
  options.fs = &fs;
  auto wal = CreateWal(options);
  fs.fail_sync = true;
  EXPECT_FALSE(wal->Save(MakeHardState(1, 1, 0), MakeEntries(1, 1, 1)).ok());
  fs.fail_sync = false;
  // After a failed fsync the page cache may have dropped the data: never retry.
  absl::Status again = wal->Save(MakeHardState(1, 1, 0), MakeEntries(1, 1, 1));
  EXPECT_THAT(std::string(again.message()), HasSubstr("injected fsync failure"));
}

TEST_F(WalTest, RejectsEntriesThatWouldMakeTheLogUnreadable) {
  auto wal = CreateWal();
  ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 0), MakeEntries(1, 3, 1)).ok());
  EXPECT_TRUE(absl::IsInvalidArgument(wal->Save({}, MakeEntries(5, 5, 1))));
  ASSERT_TRUE(wal->SaveSnapshotMark(MakeMark(3, 1)).ok());
  EXPECT_TRUE(absl::IsInvalidArgument(wal->Save({}, MakeEntries(3, 3, 1))));
  EXPECT_TRUE(absl::IsFailedPrecondition(wal->SaveSnapshotMark(MakeMark(2, 1))));
  EXPECT_TRUE(wal->Save({}, MakeEntries(4, 4, 1)).ok());
  wal.reset();
  EXPECT_EQ(Describe(Reopen().entries), DescribeRange(4, 4, 1));
}

TEST_F(WalTest, SnapshotMarkDropsCoveredEntries) {
  auto wal = CreateWal();
  ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 10), MakeEntries(1, 10, 1)).ok());
  ASSERT_TRUE(wal->SaveSnapshotMark(MakeMark(5, 1)).ok());
  wal.reset();
  WalContents c = Reopen();
  EXPECT_EQ(c.snapshot.index(), 5u);
  EXPECT_EQ(c.snapshot.term(), 1u);
  EXPECT_EQ(c.snapshot.conf_state().voters_size(), 2);
  EXPECT_EQ(Describe(c.entries), DescribeRange(6, 10, 1));
}

TEST_F(WalTest, SnapshotFromLeaderBeyondTheLogRestartsIt) {
  auto wal = CreateWal();
  ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 3), MakeEntries(1, 3, 1)).ok());
  ASSERT_TRUE(wal->SaveSnapshotMark(MakeMark(20, 4)).ok());
  EXPECT_EQ(wal->last_index(), 20u);
  ASSERT_TRUE(wal->Save(MakeHardState(4, 2, 21), MakeEntries(21, 22, 4)).ok());
  wal.reset();
  WalContents c = Reopen();
  EXPECT_EQ(c.snapshot.index(), 20u);
  EXPECT_EQ(Describe(c.entries), DescribeRange(21, 22, 4));
}

TEST_F(WalTest, RollsSegmentsAndReleasesOnesBelowTheSnapshot) {
  WalOptions options;
  options.segment_bytes = 1024;
  auto wal = CreateWal(options);
  const std::string payload(100, 'p');
  for (uint64_t i = 1; i <= 100; ++i) {
    ASSERT_TRUE(wal->Save(MakeHardState(1, 1, i - 1), {MakeEntry(i, 1, payload)}).ok());
  }
  const size_t segments_before = wal->SegmentPaths().size();
  EXPECT_GE(segments_before, 9u);

  // Nothing can be released past the (absent) snapshot.
  ASSERT_TRUE(wal->ReleaseTo(90).ok());
  EXPECT_EQ(wal->SegmentPaths().size(), segments_before);

  ASSERT_TRUE(wal->SaveSnapshotMark(MakeMark(60, 1)).ok());
  ASSERT_TRUE(wal->ReleaseTo(60).ok());
  const std::vector<std::string> kept = wal->SegmentPaths();
  EXPECT_LT(kept.size(), segments_before);
  ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 100), MakeEntries(101, 101, 1)).ok());
  const size_t live = wal->SegmentPaths().size();
  wal.reset();

  auto names = FileSystem::Default()->ListDir(dir_);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(names->size(), live);  // released segments are gone from disk
  WalContents c = Reopen(options);
  EXPECT_EQ(c.metadata, "member-7/cluster-9");
  EXPECT_EQ(c.snapshot.index(), 60u);
  EXPECT_EQ(c.hard_state.commit(), 100u);
  EXPECT_EQ(Describe(c.entries), DescribeRange(61, 101, 1));
}

TEST_F(WalTest, ReleaseKeepsOverwrittenSuffixConsistentAcrossSegments) {
  WalOptions options;
  options.segment_bytes = 512;
  auto wal = CreateWal(options);
  const std::string payload(100, 'q');
  for (uint64_t i = 1; i <= 30; ++i) {
    ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 10), {MakeEntry(i, 1, payload)}).ok());
  }
  // Term 2 rewrites 21..30 with fewer, then more entries, spanning new segments.
  for (uint64_t i = 21; i <= 40; ++i) {
    ASSERT_TRUE(wal->Save(MakeHardState(2, 2, 20), {MakeEntry(i, 2, payload)}).ok());
  }
  ASSERT_TRUE(wal->SaveSnapshotMark(MakeMark(25, 2)).ok());
  ASSERT_TRUE(wal->ReleaseTo(25).ok());
  wal.reset();
  WalContents c = Reopen(options);
  EXPECT_EQ(Describe(c.entries), DescribeRange(26, 40, 2));
}

TEST_F(WalTest, TruncatesPartialRecordAtTheTailAndKeepsGoing) {
  std::string last_segment;
  uint64_t good_size = 0;
  {
    auto wal = CreateWal();
    ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 0), MakeEntries(1, 3, 1)).ok());
    last_segment = wal->SegmentPaths().back();
    good_size = SizeOf(last_segment);
  }
  // The first half of the next record made it to disk before the crash.
  std::string record;
  AppendWalRecord(WalRecordType::kEntry, MakeEntry(4, 1).SerializeAsString(), &record);
  AppendBytes(last_segment, record.substr(0, record.size() / 2));

  {
    auto wal = Wal::Open(dir_);
    ASSERT_TRUE(wal.ok()) << wal.status();
    EXPECT_EQ(SizeOf(last_segment), good_size);
    auto c = (*wal)->ReadAll();
    EXPECT_EQ(Describe(c->entries), DescribeRange(1, 3, 1));
    ASSERT_TRUE((*wal)->Save({}, MakeEntries(4, 5, 1)).ok());
  }
  EXPECT_EQ(Describe(Reopen().entries), DescribeRange(1, 5, 1));
}

TEST_F(WalTest, TruncatesShortHeaderAtTheTail) {
  std::string last_segment;
  {
    auto wal = CreateWal();
    ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 0), MakeEntries(1, 3, 1)).ok());
    last_segment = wal->SegmentPaths().back();
  }
  AppendBytes(last_segment, std::string("\x05\x00\x00", 3));
  EXPECT_EQ(Describe(Reopen().entries), DescribeRange(1, 3, 1));
}

TEST_F(WalTest, TruncatesLastRecordWithBadCrcFollowedOnlyByZeros) {
  std::string last_segment;
  uint64_t before_last_record = 0;
  {
    auto wal = CreateWal();
    ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 0), MakeEntries(1, 3, 1)).ok());
    last_segment = wal->SegmentPaths().back();
    before_last_record = SizeOf(last_segment);
    ASSERT_TRUE(wal->Save({}, MakeEntries(4, 4, 1)).ok());
  }
  // The file grew but the record's data blocks never hit the disk: zeros.
  const uint64_t end = SizeOf(last_segment);
  for (uint64_t off = before_last_record + kWalRecordHeaderSize; off < end; ++off) {
    OverwriteByte(last_segment, off, '\0');
  }
  AppendBytes(last_segment, std::string(64, '\0'));
  EXPECT_EQ(Describe(Reopen().entries), DescribeRange(1, 3, 1));
  EXPECT_EQ(SizeOf(last_segment), before_last_record);
}

TEST_F(WalTest, TruncatesLastBatchWhoseEarlierSectorNeverReachedTheDisk) {
  std::string last_segment;
  uint64_t batch_start = 0;
  {
    auto wal = CreateWal();
    ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 0), MakeEntries(1, 3, 1)).ok());
    last_segment = wal->SegmentPaths().back();
    batch_start = SizeOf(last_segment);
    // One unsynced batch: a big entry followed by a small one.
    ASSERT_TRUE(wal->Save({}, {MakeEntry(4, 1, std::string(3000, 'b')), MakeEntry(5, 1)}).ok());
  }
  // The crash persisted the batch's last sectors but not one in the middle.
  const uint64_t sector = (batch_start / 512 + 2) * 512;
  for (uint64_t off = sector; off < sector + 512; ++off) OverwriteByte(last_segment, off, '\0');
  EXPECT_EQ(Describe(Reopen().entries), DescribeRange(1, 3, 1));
  EXPECT_EQ(SizeOf(last_segment), batch_start);
}

TEST_F(WalTest, CorruptionBeforeTheTailIsFatalAndNamesFileAndOffset) {
  std::string segment;
  uint64_t bad_record_offset = 0;
  {
    auto wal = CreateWal();
    ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 0), MakeEntries(1, 3, 1)).ok());
    segment = wal->SegmentPaths().back();
    bad_record_offset = SizeOf(segment);
    ASSERT_TRUE(wal->Save({}, MakeEntries(4, 4, 1)).ok());
    ASSERT_TRUE(wal->Save({}, MakeEntries(5, 6, 1)).ok());
  }
  OverwriteByte(segment, bad_record_offset + kWalRecordHeaderSize + 2, 'X');

  auto wal = Wal::Open(dir_);
  ASSERT_TRUE(absl::IsDataLoss(wal.status())) << wal.status();
  EXPECT_THAT(std::string(wal.status().message()),
              HasSubstr(absl::StrCat("wal: corrupt record in ", segment, " at offset ",
                                     bad_record_offset, ": crc mismatch")));
  // Refusing must not have "repaired" anything.
  EXPECT_TRUE(absl::IsDataLoss(Wal::Open(dir_).status()));
}

TEST_F(WalTest, DamagedTailOfAnEarlierSegmentIsFatal) {
  WalOptions options;
  options.segment_bytes = 512;
  std::string first_segment;
  {
    auto wal = CreateWal(options);
    for (uint64_t i = 1; i <= 20; ++i) {
      ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 0), {MakeEntry(i, 1, std::string(100, 'z'))}).ok());
    }
    ASSERT_GE(wal->SegmentPaths().size(), 3u);
    first_segment = wal->SegmentPaths().front();
  }
  const uint64_t size = SizeOf(first_segment);
  ASSERT_TRUE(FileSystem::Default()->TruncateFile(first_segment, size - 5).ok());
  auto wal = Wal::Open(dir_, options);
  ASSERT_TRUE(absl::IsDataLoss(wal.status())) << wal.status();
  EXPECT_THAT(std::string(wal.status().message()), HasSubstr(first_segment));
}

TEST_F(WalTest, MissingMiddleSegmentIsFatal) {
  WalOptions options;
  options.segment_bytes = 512;
  std::vector<std::string> segments;
  {
    auto wal = CreateWal(options);
    for (uint64_t i = 1; i <= 20; ++i) {
      ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 0), {MakeEntry(i, 1, std::string(100, 'z'))}).ok());
    }
    segments = wal->SegmentPaths();
  }
  ASSERT_GE(segments.size(), 3u);
  ASSERT_TRUE(FileSystem::Default()->RemoveFile(segments[1]).ok());
  auto wal = Wal::Open(dir_, options);
  ASSERT_TRUE(absl::IsDataLoss(wal.status())) << wal.status();
  EXPECT_THAT(std::string(wal.status().message()), HasSubstr("missing segment"));
}

TEST_F(WalTest, IgnoresAndRemovesSegmentWhoseCreationWasInterrupted) {
  {
    auto wal = CreateWal();
    ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 0), MakeEntries(1, 2, 1)).ok());
  }
  const std::string orphan = JoinPath(dir_, "0000000000000002-0000000000000003.wal.tmp");
  AppendBytes(orphan, "half a header");
  EXPECT_EQ(Describe(Reopen().entries), DescribeRange(1, 2, 1));
  EXPECT_FALSE(FileSystem::Default()->FileExists(orphan));
}

TEST_F(WalTest, SegmentStartSyncsFileAndDirectory) {
  CountingFileSystem fs;
  WalOptions options;
  options.fs = &fs;
  options.segment_bytes = 256;
  auto wal = CreateWal(options);
  const size_t segments = wal->SegmentPaths().size();
  fs.file_syncs = 0;
  fs.dir_syncs = 0;
  ASSERT_TRUE(wal->Save(MakeHardState(1, 1, 0), {MakeEntry(1, 1, std::string(300, 'r'))}).ok());
  EXPECT_EQ(wal->SegmentPaths().size(), segments + 1);
  EXPECT_EQ(fs.file_syncs, 2);  // the batch, then the new segment's header
  EXPECT_EQ(fs.dir_syncs, 1);   // the rename that publishes the new segment
}

}  // namespace
}  // namespace raftkv::storage
