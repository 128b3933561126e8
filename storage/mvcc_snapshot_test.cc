// Snapshot stream round trips, damage detection, ReplaceFromSnapshot and the
// crash-safe directory swap.
#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/mvcc_snapshot_stream.h"
#include "storage/mvcc_snapshot_swap.h"
#include "storage/mvcc_store.h"
#include "storage/mvcc_test_util.h"

namespace raftkv::storage {
namespace {

using testing::DeleteReq;
using ::testing::ElementsAre;
using testing::Keys;
using testing::OpenOrDie;
using testing::PutReq;
using testing::RangeReq;

std::vector<std::string> Snapshot(const MvccStore& store) {
  std::vector<std::string> chunks;
  absl::Status status = store.WriteSnapshot([&chunks](std::string_view chunk) {
    chunks.emplace_back(chunk);
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
  return chunks;
}

// Feeds `bytes` in pieces of `piece` bytes, then "".
std::function<absl::StatusOr<std::string>()> Feeder(std::string bytes, size_t piece) {
  auto offset = std::make_shared<size_t>(0);
  return [bytes = std::move(bytes), piece, offset]() -> absl::StatusOr<std::string> {
    std::string out = bytes.substr(*offset, piece);
    *offset += out.size();
    return out;
  };
}

std::string Join(const std::vector<std::string>& chunks) {
  std::string all;
  for (const auto& c : chunks) all += c;
  return all;
}

void WriteHistory(MvccStore* store) {
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(store->Put(PutReq("k" + std::to_string(i % 7), std::to_string(i)), i + 1).ok());
  }
  ASSERT_TRUE(store->DeleteRange(DeleteReq("k3"), 31).ok());
  etcdserverpb::CompactionRequest compact;
  compact.set_revision(20);
  ASSERT_TRUE(store->Compact(compact, 32).ok());
}

TEST(MvccSnapshotTest, RoundTripRestoresEverything) {
  testing::TempDir dir;
  auto source = OpenOrDie(dir.Sub("source"));
  WriteHistory(source.get());
  std::string stream = Join(Snapshot(*source));
  // Arbitrary chunk boundaries must not matter.
  ASSERT_TRUE(MvccStore::RestoreSnapshot(dir.Sub("copy"), Feeder(stream, 7)).ok());
  auto copy = OpenOrDie(dir.Sub("copy"));
  EXPECT_EQ(copy->CurrentRevision(), source->CurrentRevision());
  EXPECT_EQ(copy->CompactRevision(), 20);
  EXPECT_EQ(copy->AppliedIndex(), 32u);
  EXPECT_EQ(*copy->HashKV(0, nullptr), *source->HashKV(0, nullptr));
  EXPECT_EQ(*copy->HashKV(25, nullptr), *source->HashKV(25, nullptr));
  auto all = copy->Range(RangeReq("k", "l"));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->SerializeAsString(), source->Range(RangeReq("k", "l"))->SerializeAsString());
  auto old = copy->Range(RangeReq("k", "l", 22));
  EXPECT_EQ(old->SerializeAsString(), source->Range(RangeReq("k", "l", 22))->SerializeAsString());
}

TEST(MvccSnapshotTest, EmptyStoreSnapshotRestores) {
  testing::TempDir dir;
  auto source = OpenOrDie(dir.Sub("source"));
  ASSERT_TRUE(
      MvccStore::RestoreSnapshot(dir.Sub("copy"), Feeder(Join(Snapshot(*source)), 100)).ok());
  EXPECT_EQ(OpenOrDie(dir.Sub("copy"))->CurrentRevision(), 1);
}

TEST(MvccSnapshotTest, DamagedOrTruncatedStreamIsRejected) {
  testing::TempDir dir;
  auto source = OpenOrDie(dir.Sub("source"));
  WriteHistory(source.get());
  std::string stream = Join(Snapshot(*source));
  for (size_t at : {size_t{2}, size_t{10}, stream.size() / 2, stream.size() - 3}) {
    std::string damaged = stream;
    damaged[at] ^= 0x20;
    absl::Status status = MvccStore::RestoreSnapshot(dir.Sub("bad"), Feeder(damaged, 64));
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << "flip at " << at << ": " << status;
    EXPECT_FALSE(std::filesystem::exists(dir.Sub("bad") + "/CURRENT"));
  }
  absl::Status truncated =
      MvccStore::RestoreSnapshot(dir.Sub("bad"), Feeder(stream.substr(0, stream.size() - 20), 64));
  EXPECT_EQ(truncated.code(), absl::StatusCode::kDataLoss) << truncated;
}

TEST(MvccSnapshotTest, SourceErrorsPropagate) {
  testing::TempDir dir;
  auto failing = []() -> absl::StatusOr<std::string> {
    return absl::UnavailableError("peer went away");
  };
  EXPECT_EQ(MvccStore::RestoreSnapshot(dir.Sub("x"), failing).code(),
            absl::StatusCode::kUnavailable);
}

TEST(MvccSnapshotTest, ReplaceFromSnapshotSwapsContents) {
  testing::TempDir dir;
  auto source = OpenOrDie(dir.Sub("source"));
  WriteHistory(source.get());
  std::string stream = Join(Snapshot(*source));

  auto target = OpenOrDie(dir.Sub("target"));
  ASSERT_TRUE(target->Put(PutReq("only-in-target", "x"), 1).ok());
  // A damaged stream leaves the target untouched.
  std::string damaged = stream;
  damaged[damaged.size() / 2] ^= 1;
  EXPECT_FALSE(target->ReplaceFromSnapshot(Feeder(damaged, 1000)).ok());
  EXPECT_EQ(target->Range(RangeReq("only-in-target"))->kvs_size(), 1);

  ASSERT_TRUE(target->ReplaceFromSnapshot(Feeder(stream, 1000)).ok());
  EXPECT_EQ(target->Range(RangeReq("only-in-target"))->kvs_size(), 0);
  EXPECT_EQ(*target->HashKV(0, nullptr), *source->HashKV(0, nullptr));
  EXPECT_EQ(target->CurrentRevision(), source->CurrentRevision());
  // Writes continue on the new state and survive a restart.
  ASSERT_TRUE(target->Put(PutReq("k0", "after"), 40).ok());
  target.reset();
  auto reopened = OpenOrDie(dir.Sub("target"));
  EXPECT_EQ(reopened->Range(RangeReq("k0"))->kvs(0).value(), "after");
  EXPECT_EQ(reopened->AppliedIndex(), 40u);
  EXPECT_FALSE(std::filesystem::exists(SnapshotNewPath(dir.Sub("target"))));
}

TEST(MvccSnapshotTest, InterruptedSwapCompletesOnOpen) {
  testing::TempDir dir;
  auto source = OpenOrDie(dir.Sub("source"));
  ASSERT_TRUE(source->Put(PutReq("from-snapshot", "1"), 0).ok());
  const std::string target = dir.Sub("target");
  { ASSERT_TRUE(OpenOrDie(target)->Put(PutReq("old", "1"), 0).ok()); }
  // Crash after the restored copy was marked complete, before the swap.
  ASSERT_TRUE(
      MvccStore::RestoreSnapshot(SnapshotBuildingPath(target), Feeder(Join(Snapshot(*source)), 50))
          .ok());
  ASSERT_TRUE(MarkSnapshotComplete(target).ok());
  auto store = OpenOrDie(target);
  EXPECT_THAT(Keys(*store->Range(RangeReq("a", "z"))), ElementsAre("from-snapshot"));
}

TEST(MvccSnapshotStreamTest, RejectsForeignBytesAndDataAfterTrailer) {
  int records = 0;
  SnapshotStreamReader reader([&records](std::string_view, std::string_view) {
    ++records;
    return absl::OkStatus();
  });
  EXPECT_EQ(reader.Feed("this is not a snapshot at all").code(), absl::StatusCode::kDataLoss);

  std::string stream;
  SnapshotStreamWriter writer([&stream](std::string_view chunk) {
    stream.append(chunk);
    return absl::OkStatus();
  });
  ASSERT_TRUE(writer.Add("k", "v").ok());
  ASSERT_TRUE(writer.Finish().ok());
  SnapshotStreamReader twice([](std::string_view, std::string_view) { return absl::OkStatus(); });
  EXPECT_EQ(twice.Feed(stream + stream).code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace raftkv::storage
