#include "tools/bench/key_value_source.h"

#include <gtest/gtest.h>

#include <set>

namespace raftkv::bench {
namespace {

TEST(KeyValueSourceTest, KeysAreFixedSizeAndDistinct) {
  KeyValueSource source("", 8, 1000, 256);
  std::set<std::string> keys;
  for (int i = 0; i < 1000; ++i) {
    const std::string key = source.KeyAt(i);
    EXPECT_EQ(key.size(), 8u);
    keys.insert(key);
  }
  EXPECT_EQ(keys.size(), 1000u);
  EXPECT_EQ(source.KeyAt(42), "00000042");
  EXPECT_EQ(source.KeyAt(1042), "00000042");  // wraps into the key space
  EXPECT_EQ(source.Value().size(), 256u);
}

TEST(KeyValueSourceTest, KeySpaceWiderThanKeySizeStillDistinct) {
  KeyValueSource source("p/", 3, 100000, 1);
  EXPECT_EQ(source.KeyAt(99999), "p/99999");
  EXPECT_EQ(source.KeyAt(7), "p/00007");
}

TEST(KeyValueSourceTest, RandomKeysStayInKeySpace) {
  KeyValueSource source("k", 4, 10, 1);
  std::mt19937_64 rng(1);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(source.RandomKey(rng));
  EXPECT_EQ(seen.size(), 10u);
}

TEST(PrefixRangeEndTest, IncrementsLastByte) {
  EXPECT_EQ(PrefixRangeEnd("abc/"), "abc0");
  EXPECT_EQ(PrefixRangeEnd(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixRangeEnd(""), std::string(1, '\0'));
}

}  // namespace
}  // namespace raftkv::bench
