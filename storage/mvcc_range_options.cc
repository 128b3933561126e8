#include "storage/mvcc_range_options.h"

#include <algorithm>
#include <functional>

namespace raftkv::storage {
namespace {

using etcdserverpb::RangeRequest;
using mvccpb::KeyValue;

bool HasRevisionFilter(const RangeRequest& r) {
  return r.min_mod_revision() != 0 || r.max_mod_revision() != 0 || r.min_create_revision() != 0 ||
         r.max_create_revision() != 0;
}

void ApplyFilters(const RangeRequest& r, std::vector<KeyValue>* kvs) {
  auto excluded = [&r](const KeyValue& kv) {
    return (r.max_mod_revision() != 0 && kv.mod_revision() > r.max_mod_revision()) ||
           (r.min_mod_revision() != 0 && kv.mod_revision() < r.min_mod_revision()) ||
           (r.max_create_revision() != 0 && kv.create_revision() > r.max_create_revision()) ||
           (r.min_create_revision() != 0 && kv.create_revision() < r.min_create_revision());
  };
  kvs->erase(std::remove_if(kvs->begin(), kvs->end(), excluded), kvs->end());
}

std::function<bool(const KeyValue&, const KeyValue&)> LessFor(RangeRequest::SortTarget target) {
  switch (target) {
    case RangeRequest::VERSION:
      return [](const KeyValue& a, const KeyValue& b) { return a.version() < b.version(); };
    case RangeRequest::CREATE:
      return [](const KeyValue& a, const KeyValue& b) {
        return a.create_revision() < b.create_revision();
      };
    case RangeRequest::MOD:
      return
          [](const KeyValue& a, const KeyValue& b) { return a.mod_revision() < b.mod_revision(); };
    case RangeRequest::VALUE:
      return [](const KeyValue& a, const KeyValue& b) { return a.value() < b.value(); };
    case RangeRequest::KEY:
    default:
      return [](const KeyValue& a, const KeyValue& b) { return a.key() < b.key(); };
  }
}

void ApplySort(const RangeRequest& r, std::vector<KeyValue>* kvs) {
  RangeRequest::SortOrder order = r.sort_order();
  // The index already yields keys ascending, so etcd only defaults to ASCEND
  // when another target is asked for without an order.
  if (r.sort_target() != RangeRequest::KEY && order == RangeRequest::NONE) {
    order = RangeRequest::ASCEND;
  }
  if (order == RangeRequest::NONE) return;
  auto less = LessFor(r.sort_target());
  if (order == RangeRequest::DESCEND) {
    std::stable_sort(kvs->begin(), kvs->end(),
                     [&less](const KeyValue& a, const KeyValue& b) { return less(b, a); });
  } else if (order == RangeRequest::ASCEND) {
    std::stable_sort(kvs->begin(), kvs->end(), less);
  }
}

}  // namespace

int64_t IndexFetchLimit(const RangeRequest& request) {
  if (request.sort_order() != RangeRequest::NONE || HasRevisionFilter(request)) return 0;
  return request.limit() > 0 ? request.limit() + 1 : 0;
}

etcdserverpb::RangeResponse FinishRange(const RangeRequest& request, std::vector<KeyValue> kvs,
                                        int64_t count, int64_t header_revision) {
  ApplyFilters(request, &kvs);
  ApplySort(request, &kvs);
  etcdserverpb::RangeResponse response;
  if (request.limit() > 0 && static_cast<int64_t>(kvs.size()) > request.limit()) {
    kvs.resize(static_cast<size_t>(request.limit()));
    response.set_more(true);
  }
  response.mutable_header()->set_revision(header_revision);
  response.set_count(count);
  for (KeyValue& kv : kvs) {
    if (request.keys_only()) kv.clear_value();
    *response.add_kvs() = std::move(kv);
  }
  return response;
}

}  // namespace raftkv::storage
