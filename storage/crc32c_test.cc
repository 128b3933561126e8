#include "storage/crc32c.h"

#include <string>

#include "gtest/gtest.h"

namespace raftkv::storage::crc32c {
namespace {

TEST(Crc32cTest, StandardCheckValue) { EXPECT_EQ(Value("123456789"), 0xE3069283u); }

// Vectors from RFC 3720 (iSCSI), appendix B.4.
TEST(Crc32cTest, Rfc3720Vectors) {
  EXPECT_EQ(Value(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Value(std::string(32, '\xFF')), 0x62A8AB43u);
  std::string ascending, descending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
    descending.push_back(static_cast<char>(31 - i));
  }
  EXPECT_EQ(Value(ascending), 0x46DD794Eu);
  EXPECT_EQ(Value(descending), 0x113FDB5Cu);
}

TEST(Crc32cTest, EmptyIsZero) { EXPECT_EQ(Value(""), 0u); }

TEST(Crc32cTest, ExtendEqualsWholeForEverySplit) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>(i * 7 + 3));
  const uint32_t whole = Value(data);
  for (size_t split = 0; split <= data.size(); split += 37) {
    absl::string_view v(data);
    EXPECT_EQ(Extend(Value(v.substr(0, split)), v.substr(split)), whole) << split;
  }
}

TEST(Crc32cTest, DetectsSingleBitFlip) {
  std::string data(100, 'x');
  const uint32_t before = Value(data);
  data[50] ^= 0x01;
  EXPECT_NE(Value(data), before);
}

}  // namespace
}  // namespace raftkv::storage::crc32c
