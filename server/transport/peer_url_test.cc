#include "server/transport/peer_url.h"

#include "gtest/gtest.h"

namespace raftkv::transport {
namespace {

TEST(GrpcTargetFromUrlTest, StripsSchemeAndPath) {
  EXPECT_EQ(*GrpcTargetFromUrl("http://127.0.0.1:2380"), "127.0.0.1:2380");
  EXPECT_EQ(*GrpcTargetFromUrl("https://node-1.example:2380/"), "node-1.example:2380");
  EXPECT_EQ(*GrpcTargetFromUrl("http://[::1]:2380"), "[::1]:2380");
  EXPECT_EQ(*GrpcTargetFromUrl("10.0.0.1:2380"), "10.0.0.1:2380");
}

TEST(GrpcTargetFromUrlTest, RejectsUnusableUrls) {
  EXPECT_FALSE(GrpcTargetFromUrl("").ok());
  EXPECT_FALSE(GrpcTargetFromUrl("http://").ok());
  EXPECT_FALSE(GrpcTargetFromUrl("http://host").ok());
  EXPECT_FALSE(GrpcTargetFromUrl("http://host:").ok());
  EXPECT_FALSE(GrpcTargetFromUrl("unix:///tmp/sock").ok());
}

}  // namespace
}  // namespace raftkv::transport
