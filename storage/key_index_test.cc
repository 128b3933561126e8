// The generation model of KeyIndex, including compaction (etcd key_index.go).
#include "storage/key_index.h"

#include "gtest/gtest.h"

namespace raftkv::storage {
namespace {

TEST(KeyIndexTest, GetWalksGenerations) {
  KeyIndex k;
  k.Put({2, 0});
  k.Put({4, 0});
  ASSERT_TRUE(k.Tombstone({6, 0}));
  k.Put({8, 0});
  EXPECT_FALSE(k.Get(1).has_value());
  EXPECT_EQ(k.Get(3)->modified, (Revision{2, 0}));
  EXPECT_EQ(k.Get(5)->version, 2);
  EXPECT_EQ(k.Get(5)->created, (Revision{2, 0}));
  EXPECT_FALSE(k.Get(6).has_value());
  EXPECT_FALSE(k.Get(7).has_value());
  EXPECT_EQ(k.Get(9)->version, 1);
  EXPECT_EQ(k.Get(9)->created, (Revision{8, 0}));
}

TEST(KeyIndexTest, TombstoneNeedsLiveKey) {
  KeyIndex k;
  EXPECT_FALSE(k.Tombstone({2, 0}));
  k.Put({2, 0});
  EXPECT_TRUE(k.Tombstone({3, 0}));
  EXPECT_FALSE(k.Tombstone({4, 0}));
}

TEST(KeyIndexTest, CompactKeepsLatestBelowAndDropsDeadGenerations) {
  KeyIndex k;
  k.Put({2, 0});
  k.Put({4, 0});
  k.Tombstone({6, 0});
  k.Put({8, 0});
  std::set<Revision> keep;
  k.Compact(5, &keep);
  EXPECT_EQ(keep, (std::set<Revision>{{4, 0}}));
  EXPECT_EQ(k.Get(5)->version, 2);  // version survives compaction
  keep.clear();
  k.Compact(7, &keep);  // the dead generation is gone
  EXPECT_TRUE(keep.empty());
  EXPECT_FALSE(k.Get(7).has_value());
  EXPECT_EQ(k.Get(8)->version, 1);
  keep.clear();
  KeyIndex dead;
  dead.Put({2, 0});
  dead.Tombstone({3, 0});
  dead.Compact(3, &keep);
  EXPECT_TRUE(dead.IsEmpty());
}

TEST(KeyIndexTest, KeepReportsWithoutChanging) {
  KeyIndex k;
  k.Put({2, 0});
  k.Put({3, 0});
  std::set<Revision> keep;
  k.Keep(2, &keep);
  EXPECT_EQ(keep, (std::set<Revision>{{2, 0}}));
  EXPECT_EQ(k.Get(2)->modified, (Revision{2, 0}));
}

TEST(KeySpanTest, Shapes) {
  EXPECT_TRUE((KeySpan{"a", ""}).Contains("a"));
  EXPECT_FALSE((KeySpan{"a", ""}).Contains("ab"));
  EXPECT_TRUE((KeySpan{"a", "b"}).Contains("ab"));
  EXPECT_FALSE((KeySpan{"a", "b"}).Contains("b"));
  EXPECT_TRUE((KeySpan{"b", std::string(1, '\0')}).Contains("zzz"));
  EXPECT_FALSE((KeySpan{"b", std::string(1, '\0')}).Contains("a"));
}

}  // namespace
}  // namespace raftkv::storage
