// Request checks done before a request is proposed, with etcd 3.4's rules and errors
// (etcdserver/api/v3rpc/key.go): empty keys, ignore_value/ignore_lease misuse, too many
// txn operations, and overlapping writes inside one txn (including nested txns).
#ifndef RAFTKV_SERVER_API_REQUEST_VALIDATION_H_
#define RAFTKV_SERVER_API_REQUEST_VALIDATION_H_

#include <cstdint>

#include "absl/status/status.h"
#include "proto/rpc.pb.h"

namespace raftkv::server::api {

absl::Status ValidateRange(const etcdserverpb::RangeRequest& request);
absl::Status ValidatePut(const etcdserverpb::PutRequest& request);
absl::Status ValidateDeleteRange(const etcdserverpb::DeleteRangeRequest& request);
// `max_txn_ops` bounds each of compare/success/failure (nested txns share the budget).
absl::Status ValidateTxn(const etcdserverpb::TxnRequest& request, int64_t max_txn_ops);

}  // namespace raftkv::server::api

#endif  // RAFTKV_SERVER_API_REQUEST_VALIDATION_H_
