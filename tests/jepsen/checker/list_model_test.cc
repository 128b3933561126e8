#include "tests/jepsen/checker/list_model.h"

#include "gtest/gtest.h"
#include "tests/jepsen/checker/test_history.h"

namespace raftkv::jepsen {
namespace {

using testing::Append;
using testing::ReadList;

TEST(ListModelTest, ReadReturnsAppendsInOrder) {
  ListModel model;
  EXPECT_TRUE(model.Step(model.Initial(), ReadList(0, {}, 0, 1)).has_value());
  ModelState state = *model.Step(model.Initial(), Append(0, "a", 0, 1));
  state = *model.Step(state, Append(0, "b:c", 0, 1));
  EXPECT_TRUE(model.Step(state, ReadList(0, {"a", "b:c"}, 0, 1)).has_value());
  EXPECT_FALSE(model.Step(state, ReadList(0, {"b:c", "a"}, 0, 1)).has_value());
  EXPECT_FALSE(model.Step(state, ReadList(0, {"a"}, 0, 1)).has_value());
  EXPECT_EQ(model.DescribeState(state), "[\"a\", \"b:c\"]");
}

TEST(ListModelTest, RejectsRegisterOperations) {
  ListModel model;
  EXPECT_FALSE(model.Step(model.Initial(), testing::Write(0, "a", 0, 1)).has_value());
}

}  // namespace
}  // namespace raftkv::jepsen
