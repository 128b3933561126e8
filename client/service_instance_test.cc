#include "client/service_instance.h"

#include <gtest/gtest.h>

#include "client/wait_deletes.h"

namespace raftkv::client {
namespace {

TEST(ServiceInstanceTest, KeyLayout) {
  ServiceInstance instance{"payments", "i-1", "10.0.0.1:80", {}};
  EXPECT_EQ(ServicePrefix("/raftkv", "payments"), "/raftkv/services/payments/");
  EXPECT_EQ(InstanceKey("/raftkv", instance), "/raftkv/services/payments/i-1");
}

TEST(ServiceInstanceTest, RoundTripsThroughJson) {
  ServiceInstance instance{"payments", "i-1", "10.0.0.1:80", {{"zone", "a"}, {"v", "2"}}};
  auto decoded = DecodeInstance(EncodeInstance(instance));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, instance);
}

TEST(ServiceInstanceTest, RejectsGarbage) {
  EXPECT_FALSE(DecodeInstance("not json").ok());
  EXPECT_FALSE(DecodeInstance("[1,2]").ok());
  EXPECT_FALSE(DecodeInstance(R"({"address":"x"})").ok());
}

TEST(ContenderKeyTest, MatchesGoHexFormatting) {
  // etcd's concurrency package formats the lease with %x: lower case, no padding.
  EXPECT_EQ(ContenderKey("lock/", 0x694d7a1b2c3d4e5f), "lock/694d7a1b2c3d4e5f");
  EXPECT_EQ(ContenderKey("lock/", 0xabc), "lock/abc");
}

}  // namespace
}  // namespace raftkv::client
