#include "server/backup/backup_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"

namespace raftkv::server::backup {
namespace {

std::string TestPath(const std::string& name) {
  return (std::filesystem::path(::testing::TempDir()) / name).string();
}

// Writes a backup of `payload` the way the Snapshot RPC streams it.
void WriteBackup(const std::string& path, const std::string& payload) {
  std::string body =
      BackupPrefix(payload.size()) + payload + std::string(BackupPaddingSize(payload.size()), '\0');
  Sha256 sha;
  sha.Update(body);
  std::ofstream(path, std::ios::binary) << body << sha.Finish();
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(BackupFileTest, SizeSatisfiesEtcdctlChecksumRule) {
  for (uint64_t payload : {0u, 1u, 495u, 496u, 497u, 100000u}) {
    // etcdctl: (size % 512) == sha256.Size
    EXPECT_EQ((BackupBodySize(payload) + kSha256Size) % 512, kSha256Size) << payload;
    EXPECT_GE(BackupBodySize(payload), payload + 16);
  }
}

TEST(BackupFileTest, ExtractsPayloadRoundTrip) {
  const std::string payload(70000, 'x');
  WriteBackup(TestPath("ok.db"), payload);
  ASSERT_TRUE(ExtractPayload(TestPath("ok.db"), TestPath("ok.snap")).ok());
  EXPECT_EQ(ReadAll(TestPath("ok.snap")), payload);
}

TEST(BackupFileTest, CorruptionIsDetected) {
  WriteBackup(TestPath("bad.db"), std::string(1000, 'y'));
  {
    std::fstream f(TestPath("bad.db"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.put('z');
  }
  absl::Status s = ExtractPayload(TestPath("bad.db"), TestPath("bad.snap"));
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_NE(s.message().find("sha256"), std::string::npos) << s;
}

TEST(BackupFileTest, ForeignFileIsRejected) {
  std::ofstream(TestPath("bolt.db"), std::ios::binary) << std::string(512 + 32, 'b');
  EXPECT_EQ(ExtractPayload(TestPath("bolt.db"), TestPath("bolt.snap")).code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace raftkv::server::backup
