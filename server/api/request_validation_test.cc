#include "server/api/request_validation.h"

#include "gtest/gtest.h"

namespace raftkv::server::api {
namespace {

using etcdserverpb::RequestOp;
using etcdserverpb::TxnRequest;

RequestOp PutOp(const std::string& key) {
  RequestOp op;
  op.mutable_request_put()->set_key(key);
  return op;
}

RequestOp DeleteOp(const std::string& key, const std::string& range_end = "") {
  RequestOp op;
  op.mutable_request_delete_range()->set_key(key);
  op.mutable_request_delete_range()->set_range_end(range_end);
  return op;
}

RequestOp TxnOp(std::vector<RequestOp> success, std::vector<RequestOp> failure = {}) {
  RequestOp op;
  for (auto& s : success) *op.mutable_request_txn()->add_success() = s;
  for (auto& f : failure) *op.mutable_request_txn()->add_failure() = f;
  return op;
}

TxnRequest Txn(std::vector<RequestOp> success, std::vector<RequestOp> failure = {}) {
  TxnRequest txn;
  for (auto& s : success) *txn.add_success() = s;
  for (auto& f : failure) *txn.add_failure() = f;
  return txn;
}

constexpr char kDuplicate[] = "etcdserver: duplicate key given in txn request";

TEST(RequestValidationTest, EmptyKeys) {
  etcdserverpb::PutRequest put;
  EXPECT_EQ(ValidatePut(put).message(), "etcdserver: key is not provided");
  EXPECT_EQ(ValidatePut(put).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateRange({}).message(), "etcdserver: key is not provided");
  EXPECT_EQ(ValidateDeleteRange({}).message(), "etcdserver: key is not provided");
  TxnRequest txn;
  txn.add_compare();
  EXPECT_EQ(ValidateTxn(txn, 128).message(), "etcdserver: key is not provided");
  EXPECT_EQ(ValidateTxn(Txn({PutOp("")}), 128).message(), "etcdserver: key is not provided");
}

TEST(RequestValidationTest, IgnoreValueAndLeaseMisuse) {
  etcdserverpb::PutRequest put;
  put.set_key("k");
  put.set_ignore_value(true);
  put.set_value("v");
  EXPECT_EQ(ValidatePut(put).message(), "etcdserver: value is provided");
  put.clear_value();
  put.set_ignore_lease(true);
  put.set_lease(5);
  EXPECT_EQ(ValidatePut(put).message(), "etcdserver: lease is provided");
}

TEST(RequestValidationTest, EmptyTxnOpIsKeyNotFound) {
  EXPECT_EQ(ValidateTxn(Txn({RequestOp()}), 128).message(), "etcdserver: key not found");
}

TEST(RequestValidationTest, TooManyOps) {
  std::vector<RequestOp> ops;
  for (int i = 0; i < 4; ++i) ops.push_back(PutOp("k" + std::to_string(i)));
  EXPECT_TRUE(ValidateTxn(Txn(ops), 4).ok());
  EXPECT_EQ(ValidateTxn(Txn(ops), 3).message(), "etcdserver: too many operations in txn request");
  // A nested txn gets what its parent's widest list leaves of the budget.
  EXPECT_EQ(ValidateTxn(Txn({TxnOp({PutOp("a"), PutOp("b")})}), 2).message(),
            "etcdserver: too many operations in txn request");
  EXPECT_TRUE(ValidateTxn(Txn({TxnOp({PutOp("a"), PutOp("b")})}), 3).ok());
}

TEST(RequestValidationTest, DuplicatePutsAtOneLevel) {
  EXPECT_EQ(ValidateTxn(Txn({PutOp("a"), PutOp("a")}), 128).message(), kDuplicate);
  EXPECT_TRUE(ValidateTxn(Txn({PutOp("a")}, {PutOp("a")}), 128).ok());
}

TEST(RequestValidationTest, PutInsideDeletedRange) {
  EXPECT_EQ(ValidateTxn(Txn({DeleteOp("a", "c"), PutOp("b")}), 128).message(), kDuplicate);
  EXPECT_EQ(ValidateTxn(Txn({DeleteOp("b"), PutOp("b")}), 128).message(), kDuplicate);
  EXPECT_TRUE(ValidateTxn(Txn({DeleteOp("a", "c"), PutOp("c")}), 128).ok());
  // Two deletes may overlap.
  EXPECT_TRUE(ValidateTxn(Txn({DeleteOp("a", "c"), DeleteOp("b")}), 128).ok());
  // etcd's interval for range_end "\0" (from-key) is empty, so it never conflicts.
  EXPECT_TRUE(ValidateTxn(Txn({DeleteOp("a", std::string(1, '\0')), PutOp("b")}), 128).ok());
}

TEST(RequestValidationTest, NestedTxnDuplicates) {
  // Parent put vs nested put.
  EXPECT_EQ(ValidateTxn(Txn({PutOp("a"), TxnOp({PutOp("a")})}), 128).message(), kDuplicate);
  // Nested then/else may put the same key: only one of them runs.
  EXPECT_TRUE(ValidateTxn(Txn({TxnOp({PutOp("a")}, {PutOp("a")})}), 128).ok());
  // Two sibling nested txns both putting a key conflict.
  EXPECT_EQ(ValidateTxn(Txn({TxnOp({PutOp("a")}), TxnOp({PutOp("a")})}), 128).message(),
            kDuplicate);
  // A nested put inside a parent's delete range.
  EXPECT_EQ(ValidateTxn(Txn({DeleteOp("a", "z"), TxnOp({PutOp("b")})}), 128).message(), kDuplicate);
  // A nested delete covering a parent's put.
  EXPECT_EQ(ValidateTxn(Txn({TxnOp({DeleteOp("a", "z")}), PutOp("b")}), 128).message(), kDuplicate);
}

}  // namespace
}  // namespace raftkv::server::api
