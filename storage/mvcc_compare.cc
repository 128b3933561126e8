#include "storage/mvcc_compare.h"

namespace raftkv::storage {
namespace {

using etcdserverpb::Compare;

template <typename T>
int ThreeWay(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// A target_union holding another field than the target counts as zero/empty.
int CompareOne(const Compare& c, const mvccpb::KeyValue& kv) {
  switch (c.target()) {
    case Compare::VALUE:
      return ThreeWay(kv.value(),
                      c.target_union_case() == Compare::kValue ? c.value() : std::string());
    case Compare::CREATE:
      return ThreeWay(kv.create_revision(), c.target_union_case() == Compare::kCreateRevision
                                                ? c.create_revision()
                                                : int64_t{0});
    case Compare::MOD:
      return ThreeWay(kv.mod_revision(), c.target_union_case() == Compare::kModRevision
                                             ? c.mod_revision()
                                             : int64_t{0});
    case Compare::VERSION:
      return ThreeWay(kv.version(),
                      c.target_union_case() == Compare::kVersion ? c.version() : int64_t{0});
    case Compare::LEASE:
      return ThreeWay(kv.lease(),
                      c.target_union_case() == Compare::kLease ? c.lease() : int64_t{0});
    default:
      return 0;
  }
}

bool ResultMatches(Compare::CompareResult result, int cmp) {
  switch (result) {
    case Compare::EQUAL:
      return cmp == 0;
    case Compare::NOT_EQUAL:
      return cmp != 0;
    case Compare::GREATER:
      return cmp > 0;
    case Compare::LESS:
      return cmp < 0;
    default:
      return true;
  }
}

}  // namespace

bool CompareHolds(const Compare& compare, const std::vector<mvccpb::KeyValue>& kvs) {
  if (kvs.empty()) {
    // gRPC cannot tell a missing value from an empty one, so etcd fails it.
    if (compare.target() == Compare::VALUE) return false;
    return ResultMatches(compare.result(), CompareOne(compare, mvccpb::KeyValue()));
  }
  for (const mvccpb::KeyValue& kv : kvs) {
    if (!ResultMatches(compare.result(), CompareOne(compare, kv))) return false;
  }
  return true;
}

}  // namespace raftkv::storage
