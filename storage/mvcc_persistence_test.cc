// Restart persistence, interrupted compaction, corruption detection and
// HashKV determinism of the LevelDB-backed MVCC store.
#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "leveldb/db.h"
#include "storage/kv_record.h"
#include "storage/mvcc_store.h"
#include "storage/mvcc_test_util.h"

namespace raftkv::storage {
namespace {

using testing::DeleteReq;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Keys;
using testing::OpenOrDie;
using testing::PutReq;
using testing::RangeReq;

absl::StatusOr<std::unique_ptr<MvccStore>> TryOpen(const std::string& path) {
  MvccStore::Options options;
  options.path = path;
  options.sync_writes = false;
  return MvccStore::Open(options);
}

// Writes a small history: a(2,3) b(4) delete b(5) c(6) compact@5.
void WriteHistory(MvccStore* store) {
  ASSERT_TRUE(store->Put(PutReq("a", "1", 3), 1).ok());
  ASSERT_TRUE(store->Put(PutReq("a", "2", 3), 2).ok());
  ASSERT_TRUE(store->Put(PutReq("b", "1"), 3).ok());
  ASSERT_TRUE(store->DeleteRange(DeleteReq("b"), 4).ok());
  ASSERT_TRUE(store->Put(PutReq("c", "1"), 5).ok());
  etcdserverpb::CompactionRequest compact;
  compact.set_revision(5);
  ASSERT_TRUE(store->Compact(compact, 6).ok());
}

std::vector<std::string> Files(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string name = entry.path().string();
    if (name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        entry.file_size() > 0) {
      out.push_back(name);
    }
  }
  return out;
}

void FlipByteAt(const std::string& file, double fraction) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(0, std::ios::end);
  std::streamoff size = f.tellg();
  std::streamoff at = static_cast<std::streamoff>(static_cast<double>(size) * fraction);
  f.seekg(at);
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5A);
  f.seekp(at);
  f.write(&c, 1);
}

TEST(MvccPersistenceTest, ReopenServesSameStateAndHistory) {
  testing::TempDir dir;
  const std::string path = dir.Sub("db");
  uint32_t hash_before = 0;
  {
    auto store = OpenOrDie(path);
    WriteHistory(store.get());
    hash_before = *store->HashKV(0, nullptr);
  }
  auto store = OpenOrDie(path);
  EXPECT_EQ(store->CurrentRevision(), 6);
  EXPECT_EQ(store->CompactRevision(), 5);
  EXPECT_EQ(store->AppliedIndex(), 6u);
  EXPECT_EQ(*store->HashKV(0, nullptr), hash_before);
  EXPECT_EQ(store->Range(RangeReq("a", "", 4)).status().code(), absl::StatusCode::kOutOfRange);
  auto now = store->Range(RangeReq("a", "z"));
  ASSERT_TRUE(now.ok());
  EXPECT_THAT(Keys(*now), ElementsAre("a", "c"));
  EXPECT_EQ(now->kvs(0).version(), 2);
  EXPECT_EQ(now->kvs(0).create_revision(), 2);
  EXPECT_EQ(now->kvs(0).lease(), 3);
  // Versions and revisions continue where they were.
  auto put = store->Put(PutReq("a", "3"), 7);
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->header().revision(), 7);
  auto a = store->Range(RangeReq("a"));
  EXPECT_EQ(a->kvs(0).version(), 3);
  EXPECT_EQ(a->kvs(0).create_revision(), 2);
  auto b = store->Put(PutReq("b", "again"), 8);
  EXPECT_EQ(store->Range(RangeReq("b"))->kvs(0).version(), 1);
}

TEST(MvccPersistenceTest, EmptyStoreReopensAtRevisionOne) {
  testing::TempDir dir;
  { OpenOrDie(dir.Sub("db")); }
  auto store = OpenOrDie(dir.Sub("db"));
  EXPECT_EQ(store->CurrentRevision(), 1);
  EXPECT_EQ(store->CompactRevision(), -1);
}

TEST(MvccPersistenceTest, InterruptedCompactionIsFinishedOnOpen) {
  testing::TempDir dir;
  const std::string path = dir.Sub("db");
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store->Put(PutReq("a", "1"), 0).ok());  // 2
    ASSERT_TRUE(store->Put(PutReq("a", "2"), 0).ok());  // 3
    ASSERT_TRUE(store->Put(PutReq("a", "3"), 0).ok());  // 4
  }
  {
    // Simulate a crash right after the compaction intent was persisted.
    leveldb::DB* raw = nullptr;
    ASSERT_TRUE(leveldb::DB::Open(leveldb::Options(), path, &raw).ok());
    std::string key = MetaKey(kMetaScheduledCompact);
    ASSERT_TRUE(raw->Put(leveldb::WriteOptions(), key, EncodeMeta(key, 3)).ok());
    delete raw;
  }
  auto store = OpenOrDie(path);
  EXPECT_EQ(store->CompactRevision(), 3);
  EXPECT_EQ(store->Range(RangeReq("a", "", 2)).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(store->Range(RangeReq("a", "", 3))->kvs(0).value(), "2");
  EXPECT_EQ(store->Range(RangeReq("a"))->kvs(0).version(), 3);
}

TEST(MvccPersistenceTest, BadPathsAreRejected) {
  EXPECT_EQ(TryOpen("").status().code(), absl::StatusCode::kInvalidArgument);
  testing::TempDir dir;
  std::ofstream(dir.Sub("file")) << "not a directory";
  EXPECT_FALSE(TryOpen(dir.Sub("file")).ok());
}

TEST(MvccPersistenceTest, DamagedLogFileFailsOpenWithDataLoss) {
  testing::TempDir dir;
  const std::string path = dir.Sub("db");
  {
    auto store = OpenOrDie(path);
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(store->Put(PutReq("key" + std::to_string(i), std::string(100, 'v')), 0).ok());
    }
  }
  auto logs = Files(path, ".log");
  ASSERT_FALSE(logs.empty());
  FlipByteAt(logs[0], 0.5);
  auto store = TryOpen(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss) << store.status();
}

TEST(MvccPersistenceTest, TornLastLogRecordIsAcceptedAsACrash) {
  testing::TempDir dir;
  const std::string path = dir.Sub("db");
  {
    auto store = OpenOrDie(path);
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(store->Put(PutReq("key" + std::to_string(i), std::string(100, 'v')), 0).ok());
    }
  }
  auto logs = Files(path, ".log");
  ASSERT_EQ(logs.size(), 1u);
  std::filesystem::resize_file(logs[0], std::filesystem::file_size(logs[0]) - 30);
  auto store = TryOpen(path);
  ASSERT_TRUE(store.ok()) << store.status();
  // The torn write (the last put) is gone; everything before it is intact.
  EXPECT_EQ((*store)->CurrentRevision(), 20);
  EXPECT_EQ((*store)->Range(RangeReq("key", "kez"))->count(), 19);
}

TEST(MvccPersistenceTest, DamagedTableFileFailsWithDataLoss) {
  testing::TempDir dir;
  const std::string path = dir.Sub("db");
  {
    auto store = OpenOrDie(path);
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE(store->Put(PutReq("key" + std::to_string(i), std::string(100, 'v')), 0).ok());
    }
    ASSERT_TRUE(store->Defragment().ok());  // moves everything into .ldb tables
  }
  auto tables = Files(path, ".ldb");
  ASSERT_FALSE(tables.empty());
  for (const auto& table : tables) FlipByteAt(table, 0.3);
  auto store = TryOpen(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss) << store.status();
}

TEST(MvccPersistenceTest, RecordChecksumCatchesDamageLevelDbCannotSee) {
  testing::TempDir dir;
  const std::string path = dir.Sub("db");
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store->Put(PutReq("a", "value"), 0).ok());
  }
  {
    // Rewrite the record with one bit changed: LevelDB's own checksums are
    // recomputed, so only the record CRC can notice.
    leveldb::DB* raw = nullptr;
    ASSERT_TRUE(leveldb::DB::Open(leveldb::Options(), path, &raw).ok());
    std::string key = RecordKey(Revision{2, 0});
    std::string value;
    ASSERT_TRUE(raw->Get(leveldb::ReadOptions(), key, &value).ok());
    value[value.size() / 2] ^= 0x01;
    ASSERT_TRUE(raw->Put(leveldb::WriteOptions(), key, value).ok());
    delete raw;
  }
  auto store = TryOpen(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("checksum"));
}

TEST(MvccPersistenceTest, HashKvIsEqualForEqualHistories) {
  testing::TempDir dir;
  auto one = OpenOrDie(dir.Sub("one"));
  auto two = OpenOrDie(dir.Sub("two"));
  WriteHistory(one.get());
  WriteHistory(two.get());
  for (int64_t rev : {0, 6}) {
    int64_t compact_one = 0, compact_two = 0;
    auto h1 = one->HashKV(rev, &compact_one);
    auto h2 = two->HashKV(rev, &compact_two);
    ASSERT_TRUE(h1.ok() && h2.ok());
    EXPECT_EQ(*h1, *h2);
    EXPECT_EQ(compact_one, 5);
    EXPECT_EQ(compact_two, 5);
  }
  ASSERT_TRUE(two->Put(PutReq("d", "1"), 0).ok());
  ASSERT_TRUE(one->Put(PutReq("d", "2"), 0).ok());
  EXPECT_NE(*one->HashKV(0, nullptr), *two->HashKV(0, nullptr));
  EXPECT_EQ(*one->HashKV(6, nullptr), *two->HashKV(6, nullptr));
}

TEST(MvccPersistenceTest, DbSizeGrowsAndDefragmentKeepsData) {
  testing::TempDir dir;
  auto store = OpenOrDie(dir.Sub("db"));
  int64_t empty = store->DbSizeBytes();
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(store->Put(PutReq("k" + std::to_string(i), std::string(1000, 'x')), 0).ok());
  }
  EXPECT_GT(store->DbSizeBytes(), empty + 50000);
  ASSERT_TRUE(store->Defragment().ok());
  EXPECT_EQ(store->Range(RangeReq("k", "l"))->count(), 100);
}

}  // namespace
}  // namespace raftkv::storage
