// Evaluation of a Txn Compare against the keys it names (etcd apply.go rules).
#ifndef RAFTKV_STORAGE_MVCC_COMPARE_H_
#define RAFTKV_STORAGE_MVCC_COMPARE_H_

#include <vector>

#include "proto/kv.pb.h"
#include "proto/rpc.pb.h"

namespace raftkv::storage {

// `kvs` = the live keys in the compare's key/range_end at the txn's read
// revision. Every key must satisfy the compare. With no key, a VALUE compare
// fails and the others compare against zero (a missing key has version 0).
bool CompareHolds(const etcdserverpb::Compare& compare, const std::vector<mvccpb::KeyValue>& kvs);

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_MVCC_COMPARE_H_
