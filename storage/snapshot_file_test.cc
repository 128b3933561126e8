#include "storage/snapshot_file.h"

#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "storage/wal_test_util.h"

namespace raftkv::storage {
namespace {

using testing::CountingFileSystem;
using testing::MakeTempDir;

raftpb::SnapshotMetadata MakeMeta(uint64_t index, uint64_t term) {
  raftpb::SnapshotMetadata m;
  m.set_index(index);
  m.set_term(term);
  m.mutable_conf_state()->add_voters(1);
  m.mutable_conf_state()->add_learners(4);
  return m;
}

void FlipByte(const std::string& path, uint64_t offset) {
  std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = static_cast<char>(f.get());
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x40));
}

uint64_t SizeOf(const std::string& path) { return *FileSystem::Default()->FileSize(path); }

class SnapshotFileTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  std::string dir_;
};

TEST_F(SnapshotFileTest, RoundTripsMetadataAndData) {
  auto path = SaveSnapshotFile(dir_, MakeMeta(42, 3), "state machine bytes");
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(*path, SnapshotFilePath(dir_, 3, 42));
  raftpb::SnapshotMetadata meta;
  auto data = ReadSnapshotFile(*path, &meta);
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(*data, "state machine bytes");
  EXPECT_EQ(meta.index(), 42u);
  EXPECT_EQ(meta.term(), 3u);
  EXPECT_EQ(meta.conf_state().learners(0), 4u);
}

TEST_F(SnapshotFileTest, EmptyDataRoundTrips) {
  auto path = SaveSnapshotFile(dir_, MakeMeta(1, 1), "");
  ASSERT_TRUE(path.ok());
  auto data = ReadSnapshotFile(*path, nullptr);
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(*data, "");
}

TEST_F(SnapshotFileTest, StreamsLargeDataInChunks) {
  auto writer = SnapshotWriter::Create(dir_, MakeMeta(7, 2));
  ASSERT_TRUE(writer.ok());
  std::string expected;
  for (int i = 0; i < 64; ++i) {
    std::string chunk(100000, static_cast<char>('a' + i % 26));
    expected += chunk;
    ASSERT_TRUE((*writer)->Append(chunk).ok());
  }
  // Nothing visible under the final name until Finish.
  EXPECT_FALSE(FileSystem::Default()->FileExists(SnapshotFilePath(dir_, 2, 7)));
  auto path = (*writer)->Finish();
  ASSERT_TRUE(path.ok()) << path.status();

  auto reader = SnapshotReader::Open(*path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->metadata().index(), 7u);
  EXPECT_EQ((*reader)->data_size(), expected.size());
  std::string got, chunk;
  int chunks = 0;
  while (true) {
    auto more = (*reader)->Next(&chunk, 1 << 18);
    ASSERT_TRUE(more.ok()) << more.status();
    if (!*more) break;
    EXPECT_LE(chunk.size(), 1u << 18);
    got += chunk;
    ++chunks;
  }
  EXPECT_GT(chunks, 1);
  EXPECT_EQ(got, expected);
}

TEST_F(SnapshotFileTest, FinishSyncsFileAndDirectory) {
  CountingFileSystem fs;
  auto path = SaveSnapshotFile(dir_, MakeMeta(5, 1), "x", &fs);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(fs.file_syncs, 1);
  EXPECT_EQ(fs.dir_syncs, 1);
}

TEST_F(SnapshotFileTest, AbandonedWriterLeavesNoFile) {
  {
    auto writer = SnapshotWriter::Create(dir_, MakeMeta(9, 1));
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Append("partial").ok());
  }
  auto names = FileSystem::Default()->ListDir(dir_);
  ASSERT_TRUE(names.ok());
  EXPECT_TRUE(names->empty());
}

TEST_F(SnapshotFileTest, DetectsFlippedDataByte) {
  auto path = SaveSnapshotFile(dir_, MakeMeta(10, 1), std::string(1000, 'd'));
  ASSERT_TRUE(path.ok());
  FlipByte(*path, SizeOf(*path) - 12 - 500);
  auto data = ReadSnapshotFile(*path, nullptr);
  ASSERT_TRUE(absl::IsDataLoss(data.status())) << data.status();
  EXPECT_NE(data.status().message().find(*path), absl::string_view::npos);
  EXPECT_NE(data.status().message().find("crc mismatch"), absl::string_view::npos);
}

TEST_F(SnapshotFileTest, DetectsDamagedHeaderAtOpen) {
  auto path = SaveSnapshotFile(dir_, MakeMeta(10, 1), "data");
  ASSERT_TRUE(path.ok());
  FlipByte(*path, 17);  // inside the serialized metadata
  auto reader = SnapshotReader::Open(*path);
  ASSERT_TRUE(absl::IsDataLoss(reader.status())) << reader.status();
  EXPECT_NE(reader.status().message().find("metadata crc mismatch"), absl::string_view::npos);
}

TEST_F(SnapshotFileTest, DetectsTruncation) {
  auto path = SaveSnapshotFile(dir_, MakeMeta(10, 1), std::string(1000, 'd'));
  ASSERT_TRUE(path.ok());
  ASSERT_TRUE(FileSystem::Default()->TruncateFile(*path, SizeOf(*path) - 100).ok());
  EXPECT_TRUE(absl::IsDataLoss(VerifySnapshotFile(*path)));
}

TEST_F(SnapshotFileTest, LoadNewestSkipsAndReportsDamagedFiles) {
  ASSERT_TRUE(SaveSnapshotFile(dir_, MakeMeta(10, 1), "ten").ok());
  ASSERT_TRUE(SaveSnapshotFile(dir_, MakeMeta(20, 2), "twenty").ok());
  auto newest = SaveSnapshotFile(dir_, MakeMeta(30, 2), "thirty");
  ASSERT_TRUE(newest.ok());

  auto found = LoadNewestSnapshot(dir_);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->index, 30u);

  FlipByte(*newest, SizeOf(*newest) - 14);
  std::vector<std::string> skipped;
  found = LoadNewestSnapshot(dir_, &skipped);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->index, 20u);
  EXPECT_EQ(found->term, 2u);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].find(*newest), std::string::npos);
}

TEST_F(SnapshotFileTest, LoadNewestInEmptyDirIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(LoadNewestSnapshot(dir_).status()));
}

TEST_F(SnapshotFileTest, ListsNewestFirstAndPrunesToKeep) {
  for (uint64_t index : {5, 50, 15, 25}) {
    ASSERT_TRUE(SaveSnapshotFile(dir_, MakeMeta(index, 1), "s").ok());
  }
  // A stray temporary from a crashed writer.
  std::ofstream(SnapshotFilePath(dir_, 1, 99) + ".tmp") << "junk";
  auto files = ListSnapshotFiles(dir_);
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 4u);
  EXPECT_EQ((*files)[0].index, 50u);
  EXPECT_EQ((*files)[3].index, 5u);

  ASSERT_TRUE(PruneSnapshotFiles(dir_, 2).ok());
  files = ListSnapshotFiles(dir_);
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].index, 50u);
  EXPECT_EQ((*files)[1].index, 25u);
  auto names = FileSystem::Default()->ListDir(dir_);
  EXPECT_EQ(names->size(), 2u);
}

}  // namespace
}  // namespace raftkv::storage
