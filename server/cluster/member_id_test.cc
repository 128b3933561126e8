#include "server/cluster/member_id.h"

#include <gtest/gtest.h>

#include <set>

namespace raftkv::server {
namespace {

// Reference values: the member and cluster IDs etcd 3.4 reports when started with
// no flags (peer URL http://localhost:2380, token "etcd-cluster").
TEST(MemberIdTest, MatchesEtcdForDefaultSingleMember) {
  uint64_t id = ComputeMemberId({"http://localhost:2380"}, "etcd-cluster");
  EXPECT_EQ(MemberIdToHex(id), "8e9e05c52164694d");
  EXPECT_EQ(MemberIdToHex(ComputeClusterId({id})), "cdf818194e3a8c32");
}

TEST(MemberIdTest, PeerUrlOrderDoesNotMatter) {
  EXPECT_EQ(ComputeMemberId({"http://a:1", "http://b:2"}, "t"),
            ComputeMemberId({"http://b:2", "http://a:1"}, "t"));
}

TEST(MemberIdTest, TokenAndTimeChangeTheId) {
  uint64_t base = ComputeMemberId({"http://a:1"}, "t");
  EXPECT_NE(base, ComputeMemberId({"http://a:1"}, "u"));
  EXPECT_NE(base, ComputeMemberId({"http://a:1"}, "t", 1700000000));
}

// The nemesis case: the same URLs re-added within the same second (or microsecond)
// as a removed member must not get the removed member's ID.
TEST(MemberIdTest, FreshMemberIdSkipsTakenIds) {
  const std::vector<std::string> urls = {"http://a:1"};
  const uint64_t first = FreshMemberId(urls, "t", 42, [](uint64_t) { return false; });
  EXPECT_EQ(first, ComputeMemberId(urls, "t", 42));
  std::set<uint64_t> removed = {first};
  const uint64_t again =
      FreshMemberId(urls, "t", 42, [&](uint64_t id) { return removed.count(id) > 0; });
  EXPECT_NE(again, first);
  EXPECT_EQ(again, ComputeMemberId(urls, "t", 43));
}

TEST(MemberIdTest, ClusterIdIgnoresMemberOrder) {
  EXPECT_EQ(ComputeClusterId({1, 2, 3}), ComputeClusterId({3, 1, 2}));
  EXPECT_NE(ComputeClusterId({1, 2, 3}), ComputeClusterId({1, 2}));
}

}  // namespace
}  // namespace raftkv::server
