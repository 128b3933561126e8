#include "client/txn_builder.h"

#include <gtest/gtest.h>

#include "client/kv_options.h"

namespace raftkv::client {
namespace {

// etcd's clientv3 sends key "\0" for an empty key with WithPrefix / WithFromKey.
TEST(KvOptionsTest, EmptyKeyWithPrefixOrFromKeyCoversTheWholeKeyspace) {
  const std::string zero(1, '\0');
  GetOptions get;
  get.range.prefix = true;
  EXPECT_EQ(MakeRangeRequest("", get).key(), zero);
  EXPECT_EQ(MakeRangeRequest("", get).range_end(), zero);
  EXPECT_EQ(MakeRangeRequest("a", get).key(), "a");
  DeleteOptions del;
  del.range.from_key = true;
  EXPECT_EQ(MakeDeleteRequest("", del).key(), zero);
  EXPECT_EQ(MakeDeleteRequest("", del).range_end(), zero);
  EXPECT_EQ(MakeDeleteRequest("", DeleteOptions()).key(), "");  // the server's error to give
}

TEST(KvOptionsTest, PrefixEndIncrementsTheLastByteThatCan) {
  EXPECT_EQ(PrefixEnd("abc"), "abd");
  EXPECT_EQ(PrefixEnd(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixEnd(std::string("\xff\xff", 2)), std::string(1, '\0'));
  EXPECT_EQ(PrefixEnd(""), std::string(1, '\0'));
}

TEST(KvOptionsTest, RangeRequestCarriesEveryOption) {
  GetOptions options;
  options.range.prefix = true;
  options.limit = 7;
  options.revision = 42;
  options.sort_order = etcdserverpb::RangeRequest::DESCEND;
  options.sort_target = etcdserverpb::RangeRequest::CREATE;
  options.serializable = true;
  options.keys_only = true;
  options.count_only = true;
  options.min_mod_revision = 1;
  options.max_mod_revision = 2;
  options.min_create_revision = 3;
  options.max_create_revision = 4;
  auto request = MakeRangeRequest("k/", options);
  EXPECT_EQ(request.key(), "k/");
  EXPECT_EQ(request.range_end(), "k0");
  EXPECT_EQ(request.limit(), 7);
  EXPECT_EQ(request.revision(), 42);
  EXPECT_EQ(request.sort_order(), etcdserverpb::RangeRequest::DESCEND);
  EXPECT_EQ(request.sort_target(), etcdserverpb::RangeRequest::CREATE);
  EXPECT_TRUE(request.serializable() && request.keys_only() && request.count_only());
  EXPECT_EQ(request.min_mod_revision() + request.max_mod_revision(), 3);
  EXPECT_EQ(request.min_create_revision() + request.max_create_revision(), 7);
}

TEST(KvOptionsTest, FromKeyAndExplicitEnd) {
  DeleteOptions from;
  from.range.from_key = true;
  EXPECT_EQ(MakeDeleteRequest("a", from).range_end(), std::string(1, '\0'));
  DeleteOptions explicit_end;
  explicit_end.range.range_end = "z";
  explicit_end.range.prefix = true;
  EXPECT_EQ(MakeDeleteRequest("a", explicit_end).range_end(), "z");
}

TEST(TxnBuilderTest, BuildsComparesAndBothBranches) {
  TxnBuilder txn;
  PutOptions with_lease;
  with_lease.lease = 9;
  txn.If(Cmp::CreateRevision("k", Cmp::EQUAL, 0))
      .If(Cmp::Value("v", Cmp::GREATER, "x"))
      .Then(Op::Put("k", "v", with_lease))
      .Else(Op::Get("k"));
  const auto& request = txn.request();
  ASSERT_EQ(request.compare_size(), 2);
  EXPECT_EQ(request.compare(0).target(), etcdserverpb::Compare::CREATE);
  EXPECT_EQ(request.compare(0).create_revision(), 0);
  EXPECT_EQ(request.compare(1).target(), etcdserverpb::Compare::VALUE);
  EXPECT_EQ(request.compare(1).result(), etcdserverpb::Compare::GREATER);
  ASSERT_EQ(request.success_size(), 1);
  EXPECT_EQ(request.success(0).request_put().lease(), 9);
  ASSERT_EQ(request.failure_size(), 1);
  EXPECT_EQ(request.failure(0).request_range().key(), "k");
  EXPECT_FALSE(txn.IsReadOnly());
}

TEST(TxnBuilderTest, ReadOnlinessLooksIntoNestedTransactions) {
  TxnBuilder reads;
  reads.Then(Op::Get("a")).Else(Op::Get("b"));
  EXPECT_TRUE(reads.IsReadOnly());
  TxnBuilder inner;
  inner.Then(Op::Delete("x"));
  TxnBuilder outer;
  outer.Then(Op::Get("a")).Else(Op::Txn(inner));
  EXPECT_FALSE(outer.IsReadOnly());
}

TEST(TxnBuilderTest, CompareOverRange) {
  KeyRange range;
  range.prefix = true;
  auto compare = Cmp::OverRange(Cmp::Version("p/", Cmp::LESS, 3), range);
  EXPECT_EQ(compare.range_end(), "p0");
  EXPECT_EQ(compare.version(), 3);
}

}  // namespace
}  // namespace raftkv::client
