// The part of a Range that etcd applies after reading the index (etcdserver
// apply.go): min/max mod/create revision filters, sorting, limit + `more`,
// keys_only. Pure functions, so each rule is testable on its own.
#ifndef RAFTKV_STORAGE_MVCC_RANGE_OPTIONS_H_
#define RAFTKV_STORAGE_MVCC_RANGE_OPTIONS_H_

#include <cstdint>
#include <vector>

#include "proto/kv.pb.h"
#include "proto/rpc.pb.h"

namespace raftkv::storage {

// How many index entries to read for `request`: 0 = all. Sorting and filters
// need every key (they run before the limit); otherwise limit+1 reveals `more`.
int64_t IndexFetchLimit(const etcdserverpb::RangeRequest& request);

// Builds the response from what the index returned. `count` is the number of
// keys in the range at the read revision (etcd reports it before filtering).
etcdserverpb::RangeResponse FinishRange(const etcdserverpb::RangeRequest& request,
                                        std::vector<mvccpb::KeyValue> kvs, int64_t count,
                                        int64_t header_revision);

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_MVCC_RANGE_OPTIONS_H_
