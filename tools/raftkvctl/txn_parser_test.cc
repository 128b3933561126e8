#include "tools/raftkvctl/txn_parser.h"

#include <gtest/gtest.h>

namespace raftkv::ctl {
namespace {

TEST(TxnParserTest, ParsesComparesAndBothBranches) {
  auto txn = ParseTxn(
      "mod(\"key1\") > \"0\"\n"
      "value(\"k\") = \"v\"\n"
      "lease(\"k\") = \"694d\"\n"
      "\n"
      "put key1 hello world\n"
      "get k --prefix\n"
      "\n"
      "del key1\n");
  ASSERT_TRUE(txn.ok()) << txn.status();
  const auto& request = txn->request();
  ASSERT_EQ(request.compare_size(), 3);
  EXPECT_EQ(request.compare(0).target(), etcdserverpb::Compare::MOD);
  EXPECT_EQ(request.compare(0).result(), etcdserverpb::Compare::GREATER);
  EXPECT_EQ(request.compare(1).value(), "v");
  EXPECT_EQ(request.compare(2).lease(), 0x694d);
  ASSERT_EQ(request.success_size(), 2);
  EXPECT_EQ(request.success(0).request_put().value(), "hello world");
  EXPECT_EQ(request.success(1).request_range().range_end(), "l");
  ASSERT_EQ(request.failure_size(), 1);
  EXPECT_EQ(request.failure(0).request_delete_range().key(), "key1");
}

TEST(TxnParserTest, RejectsMalformedInput) {
  EXPECT_FALSE(ParseTxn("mod(key) > 0\n").ok());
  EXPECT_FALSE(ParseTxn("\nfrobnicate k\n").ok());
  EXPECT_FALSE(ParseTxn("version(\"k\") = \"x\"\n").ok());
}

}  // namespace
}  // namespace raftkv::ctl
