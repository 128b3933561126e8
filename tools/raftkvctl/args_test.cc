#include "tools/raftkvctl/args.h"

#include <gtest/gtest.h>

namespace raftkv::ctl {
namespace {

TEST(ArgsTest, SplitsFlagsAndWords) {
  auto args = Args::Parse({"get", "k", "--prefix", "--limit", "5", "-w", "json", "--rev=7",
                           "--meta", "a=1", "--meta=b=2", "--", "--literal"});
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->positional(), (std::vector<std::string>{"get", "k", "--literal"}));
  EXPECT_TRUE(args->Has("prefix"));
  EXPECT_EQ(args->GetInt("limit", 0).value(), 5);
  EXPECT_EQ(args->GetInt("rev", 0).value(), 7);
  EXPECT_EQ(args->Get("write-out"), "json");
  EXPECT_EQ(args->GetAll("meta"), (std::vector<std::string>{"a=1", "b=2"}));
}

TEST(ArgsTest, LeaseIdsMayBeHex) {
  auto args = Args::Parse({"put", "k", "v", "--lease=694d5765fc71500b"});
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->GetInt("lease", 0).value(), 0x694d5765fc71500b);
}

TEST(ArgsTest, MissingValueIsAnError) { EXPECT_FALSE(Args::Parse({"get", "k", "--limit"}).ok()); }

}  // namespace
}  // namespace raftkv::ctl
