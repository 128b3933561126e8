// The partition shapes: who still sees whom.
#include "tests/jepsen/runner/nemesis_partitions.h"

#include <set>

#include "gtest/gtest.h"
#include "tests/jepsen/runner/host_loopback.h"

namespace raftkv::jepsen {
namespace {

bool IsMajority(const std::set<int>& members, int size) {
  return static_cast<int>(members.size()) > size / 2;
}

TEST(NemesisPartitionsTest, IsolateCutsTheMemberFromEveryOther) {
  const std::vector<Link> links = IsolateLinks(1, 3);
  EXPECT_EQ(links.size(), 2u);
  EXPECT_EQ(VisibleFrom(1, links, 3), std::set<int>({1}));
  EXPECT_EQ(VisibleFrom(0, links, 3), std::set<int>({0, 2}));
}

TEST(NemesisPartitionsTest, RandomHalvesPutTheTargetOnTheSmallerSide) {
  std::mt19937 rng(7);
  for (int size : {3, 5}) {
    for (int round = 0; round < 20; ++round) {
      const int target = round % size;
      const std::vector<Link> links = RandomHalvesLinks(target, size, rng);
      const std::set<int> minority = VisibleFrom(target, links, size);
      EXPECT_EQ(static_cast<int>(minority.size()), size / 2);
      for (int member = 0; member < size; ++member) {
        const std::set<int> seen = VisibleFrom(member, links, size);
        // Two clean sides: everyone sees exactly their own side.
        EXPECT_EQ(minority.count(member) != 0, seen == minority);
        if (minority.count(member) == 0) {
          EXPECT_TRUE(IsMajority(seen, size));
        }
      }
    }
  }
}

TEST(NemesisPartitionsTest, RingOfFiveGivesEveryMemberADifferentMajority) {
  std::mt19937 rng(3);
  for (int size : {5, 6, 7, 9}) {
    const std::vector<Link> links = MajoritiesRingLinks(size, rng);
    std::set<std::set<int>> views;
    for (int member = 0; member < size; ++member) {
      const std::set<int> seen = VisibleFrom(member, links, size);
      EXPECT_TRUE(IsMajority(seen, size)) << "size " << size << " member " << member;
      EXPECT_LT(static_cast<int>(seen.size()), size) << "size " << size;
      views.insert(seen);
    }
    EXPECT_EQ(static_cast<int>(views.size()), size) << "size " << size;
  }
}

TEST(NemesisPartitionsTest, RingOfThreeCutsOneLink) {
  std::mt19937 rng(3);
  const std::vector<Link> links = MajoritiesRingLinks(3, rng);
  ASSERT_EQ(links.size(), 1u);
  std::set<std::set<int>> views;
  for (int member = 0; member < 3; ++member) {
    EXPECT_TRUE(IsMajority(VisibleFrom(member, links, 3), 3));
    views.insert(VisibleFrom(member, links, 3));
  }
  EXPECT_EQ(views.size(), 3u);
}

TEST(NemesisPartitionsTest, BridgeJoinsTwoSidesThroughOneMember) {
  std::mt19937 rng(11);
  for (int size : {3, 5}) {
    const int bridge = 2;
    const std::vector<Link> links = BridgeLinks(bridge, size, rng);
    EXPECT_EQ(static_cast<int>(VisibleFrom(bridge, links, size).size()), size);
    std::set<std::set<int>> sides;
    for (int member = 0; member < size; ++member) {
      if (member == bridge) continue;
      const std::set<int> seen = VisibleFrom(member, links, size);
      EXPECT_TRUE(seen.count(bridge) != 0);
      EXPECT_TRUE(IsMajority(seen, size)) << "size " << size << " member " << member;
      EXPECT_LT(static_cast<int>(seen.size()), size);
      sides.insert(seen);
    }
    EXPECT_EQ(sides.size(), 2u) << "size " << size;
  }
}

TEST(HostLoopbackTest, IsolatedMembersAcceptsWholeMembersOnly) {
  auto isolated = IsolatedMembers(IsolateLinks(2, 3), 3);
  ASSERT_TRUE(isolated.ok()) << isolated.status();
  EXPECT_EQ(*isolated, std::set<int>({2}));

  std::mt19937 rng(5);
  EXPECT_TRUE(IsolatedMembers(RandomHalvesLinks(0, 3, rng), 3).ok());
  EXPECT_EQ(IsolatedMembers(MajoritiesRingLinks(5, rng), 5).status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(IsolatedMembers(BridgeLinks(0, 3, rng), 3).status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(IsolatedMembers({{0, 0}}, 3).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace raftkv::jepsen
