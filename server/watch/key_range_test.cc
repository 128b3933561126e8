#include "server/watch/key_range.h"

#include "gtest/gtest.h"

namespace raftkv::server::watch {
namespace {

TEST(KeyRangeTest, SingleKey) {
  auto range = KeyRange::FromRequest("a", "");
  ASSERT_TRUE(range.ok());
  EXPECT_TRUE(range->IsSingleKey());
  EXPECT_TRUE(range->Contains("a"));
  EXPECT_FALSE(range->Contains("ab"));
  EXPECT_EQ(range->range_end(), "");
}

TEST(KeyRangeTest, HalfOpenInterval) {
  auto range = KeyRange::FromRequest("b", "d");
  ASSERT_TRUE(range.ok());
  EXPECT_FALSE(range->Contains("a"));
  EXPECT_TRUE(range->Contains("b"));
  EXPECT_TRUE(range->Contains("czz"));
  EXPECT_FALSE(range->Contains("d"));
}

TEST(KeyRangeTest, FromKeyAndEverything) {
  const std::string nul(1, '\0');
  auto from = KeyRange::FromRequest("m", nul);
  ASSERT_TRUE(from.ok());
  EXPECT_FALSE(from->Contains("l"));
  EXPECT_TRUE(from->Contains("m"));
  EXPECT_TRUE(from->Contains("\xff\xff"));
  EXPECT_EQ(from->range_end(), nul);
  auto all = KeyRange::FromRequest("", nul);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->key(), nul);
  EXPECT_TRUE(all->Contains("anything"));
}

TEST(KeyRangeTest, EmptyKeyMeansSmallestKey) {
  auto range = KeyRange::FromRequest("", "");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->key(), std::string(1, '\0'));
}

TEST(KeyRangeTest, EmptyIntervalRejected) {
  EXPECT_EQ(KeyRange::FromRequest("b", "b").status().message(), "mvcc: watcher range is empty");
  EXPECT_FALSE(KeyRange::FromRequest("c", "b").ok());
}

}  // namespace
}  // namespace raftkv::server::watch
