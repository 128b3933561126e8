// Builds an etcd transaction: If(compares...).Then(ops...).Else(ops...).
//
//   TxnBuilder txn;
//   txn.If(Cmp::CreateRevision("k", Cmp::EQUAL, 0))
//      .Then(Op::Put("k", "v"))
//      .Else(Op::Get("k"));
//   auto response = client.kv().Txn(txn);
#ifndef RAFTKV_CLIENT_TXN_BUILDER_H_
#define RAFTKV_CLIENT_TXN_BUILDER_H_

#include <string>

#include "client/kv_options.h"
#include "proto/rpc.pb.h"

namespace raftkv::client {

class TxnBuilder;

// Comparisons on one key (or a range when range_end is set on the returned Compare).
struct Cmp {
  static constexpr auto EQUAL = etcdserverpb::Compare::EQUAL;
  static constexpr auto NOT_EQUAL = etcdserverpb::Compare::NOT_EQUAL;
  static constexpr auto GREATER = etcdserverpb::Compare::GREATER;
  static constexpr auto LESS = etcdserverpb::Compare::LESS;
  using Result = etcdserverpb::Compare::CompareResult;

  static etcdserverpb::Compare Value(const std::string& key, Result result,
                                     const std::string& value);
  static etcdserverpb::Compare Version(const std::string& key, Result result, int64_t version);
  static etcdserverpb::Compare CreateRevision(const std::string& key, Result result,
                                              int64_t revision);
  static etcdserverpb::Compare ModRevision(const std::string& key, Result result, int64_t revision);
  static etcdserverpb::Compare LeaseId(const std::string& key, Result result, int64_t lease);
  // Applies the comparison to every key of a range.
  static etcdserverpb::Compare OverRange(etcdserverpb::Compare compare, const KeyRange& range);
};

// Operations inside a transaction.
struct Op {
  static etcdserverpb::RequestOp Get(const std::string& key, const GetOptions& options = {});
  static etcdserverpb::RequestOp Put(const std::string& key, const std::string& value,
                                     const PutOptions& options = {});
  static etcdserverpb::RequestOp Delete(const std::string& key, const DeleteOptions& options = {});
  static etcdserverpb::RequestOp Txn(const TxnBuilder& nested);
};

class TxnBuilder {
 public:
  TxnBuilder& If(etcdserverpb::Compare compare);
  TxnBuilder& Then(etcdserverpb::RequestOp op);
  TxnBuilder& Else(etcdserverpb::RequestOp op);

  const etcdserverpb::TxnRequest& request() const { return request_; }
  // True when no branch writes: such a transaction may be retried on another member.
  bool IsReadOnly() const;

 private:
  etcdserverpb::TxnRequest request_;
};

// True when `request` (including nested transactions) contains no Put or DeleteRange.
bool IsReadOnlyTxn(const etcdserverpb::TxnRequest& request);

}  // namespace raftkv::client

#endif  // RAFTKV_CLIENT_TXN_BUILDER_H_
