#include "tests/jepsen/checker/register_model.h"

#include "gtest/gtest.h"
#include "tests/jepsen/checker/test_history.h"

namespace raftkv::jepsen {
namespace {

using testing::Cas;
using testing::Read;
using testing::Write;

TEST(RegisterModelTest, StartsNilAndDistinguishesNilFromEmptyString) {
  RegisterModel model;
  const ModelState nil = model.Initial();
  EXPECT_TRUE(model.Step(nil, Read(0, std::nullopt, 0, 1)).has_value());
  EXPECT_FALSE(model.Step(nil, Read(0, "", 0, 1)).has_value());
  std::optional<ModelState> empty = model.Step(nil, Write(0, "", 0, 1));
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(model.Step(*empty, Read(0, "", 0, 1)).has_value());
  EXPECT_FALSE(model.Step(*empty, Read(0, std::nullopt, 0, 1)).has_value());
  EXPECT_EQ(model.DescribeState(nil), "nil");
  EXPECT_EQ(model.DescribeState(*empty), "\"\"");
}

TEST(RegisterModelTest, CasSwapsOnlyFromTheExpectedValue) {
  RegisterModel model;
  const ModelState one = *model.Step(model.Initial(), Write(0, "1", 0, 1));
  EXPECT_FALSE(model.Step(one, Cas(0, "2", "3", 0, 1)).has_value());
  std::optional<ModelState> three = model.Step(one, Cas(0, "1", "3", 0, 1));
  ASSERT_TRUE(three.has_value());
  EXPECT_EQ(model.DescribeState(*three), "\"3\"");
  EXPECT_TRUE(model.Step(model.Initial(), Cas(0, std::nullopt, "1", 0, 1)).has_value());
}

TEST(RegisterModelTest, RejectsAppend) {
  RegisterModel model;
  EXPECT_FALSE(model.Step(model.Initial(), testing::Append(0, "1", 0, 1)).has_value());
}

}  // namespace
}  // namespace raftkv::jepsen
