#include "client/txn_builder.h"

namespace raftkv::client {
namespace {

etcdserverpb::Compare Base(const std::string& key, Cmp::Result result,
                           etcdserverpb::Compare::CompareTarget target) {
  etcdserverpb::Compare compare;
  compare.set_key(key);
  compare.set_result(result);
  compare.set_target(target);
  return compare;
}

bool IsReadOnlyOps(const google::protobuf::RepeatedPtrField<etcdserverpb::RequestOp>& ops) {
  for (const auto& op : ops) {
    if (op.has_request_put() || op.has_request_delete_range()) return false;
    if (op.has_request_txn() && !IsReadOnlyTxn(op.request_txn())) return false;
  }
  return true;
}

}  // namespace

etcdserverpb::Compare Cmp::Value(const std::string& key, Result result, const std::string& value) {
  auto compare = Base(key, result, etcdserverpb::Compare::VALUE);
  compare.set_value(value);
  return compare;
}

etcdserverpb::Compare Cmp::Version(const std::string& key, Result result, int64_t version) {
  auto compare = Base(key, result, etcdserverpb::Compare::VERSION);
  compare.set_version(version);
  return compare;
}

etcdserverpb::Compare Cmp::CreateRevision(const std::string& key, Result result, int64_t revision) {
  auto compare = Base(key, result, etcdserverpb::Compare::CREATE);
  compare.set_create_revision(revision);
  return compare;
}

etcdserverpb::Compare Cmp::ModRevision(const std::string& key, Result result, int64_t revision) {
  auto compare = Base(key, result, etcdserverpb::Compare::MOD);
  compare.set_mod_revision(revision);
  return compare;
}

etcdserverpb::Compare Cmp::LeaseId(const std::string& key, Result result, int64_t lease) {
  auto compare = Base(key, result, etcdserverpb::Compare::LEASE);
  compare.set_lease(lease);
  return compare;
}

etcdserverpb::Compare Cmp::OverRange(etcdserverpb::Compare compare, const KeyRange& range) {
  compare.set_range_end(RangeEnd(compare.key(), range));
  return compare;
}

etcdserverpb::RequestOp Op::Get(const std::string& key, const GetOptions& options) {
  etcdserverpb::RequestOp op;
  *op.mutable_request_range() = MakeRangeRequest(key, options);
  return op;
}

etcdserverpb::RequestOp Op::Put(const std::string& key, const std::string& value,
                                const PutOptions& options) {
  etcdserverpb::RequestOp op;
  *op.mutable_request_put() = MakePutRequest(key, value, options);
  return op;
}

etcdserverpb::RequestOp Op::Delete(const std::string& key, const DeleteOptions& options) {
  etcdserverpb::RequestOp op;
  *op.mutable_request_delete_range() = MakeDeleteRequest(key, options);
  return op;
}

etcdserverpb::RequestOp Op::Txn(const TxnBuilder& nested) {
  etcdserverpb::RequestOp op;
  *op.mutable_request_txn() = nested.request();
  return op;
}

TxnBuilder& TxnBuilder::If(etcdserverpb::Compare compare) {
  *request_.add_compare() = std::move(compare);
  return *this;
}

TxnBuilder& TxnBuilder::Then(etcdserverpb::RequestOp op) {
  *request_.add_success() = std::move(op);
  return *this;
}

TxnBuilder& TxnBuilder::Else(etcdserverpb::RequestOp op) {
  *request_.add_failure() = std::move(op);
  return *this;
}

bool TxnBuilder::IsReadOnly() const { return IsReadOnlyTxn(request_); }

bool IsReadOnlyTxn(const etcdserverpb::TxnRequest& request) {
  return IsReadOnlyOps(request.success()) && IsReadOnlyOps(request.failure());
}

}  // namespace raftkv::client
