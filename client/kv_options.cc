#include "client/kv_options.h"

namespace raftkv::client {

std::string PrefixEnd(const std::string& prefix) {
  std::string end = prefix;
  while (!end.empty()) {
    unsigned char last = static_cast<unsigned char>(end.back());
    if (last < 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');
}

std::string RangeEnd(const std::string& key, const KeyRange& range) {
  if (!range.range_end.empty()) return range.range_end;
  if (range.prefix) return PrefixEnd(key);
  if (range.from_key) return std::string(1, '\0');
  return "";
}

std::string RangeStartKey(const std::string& key, const KeyRange& range) {
  const bool open_ended = range.range_end.empty() && (range.prefix || range.from_key);
  return key.empty() && open_ended ? std::string(1, '\0') : key;
}

etcdserverpb::RangeRequest MakeRangeRequest(const std::string& key, const GetOptions& options) {
  etcdserverpb::RangeRequest request;
  request.set_key(RangeStartKey(key, options.range));
  request.set_range_end(RangeEnd(key, options.range));
  request.set_limit(options.limit);
  request.set_revision(options.revision);
  request.set_sort_order(options.sort_order);
  request.set_sort_target(options.sort_target);
  request.set_serializable(options.serializable);
  request.set_keys_only(options.keys_only);
  request.set_count_only(options.count_only);
  request.set_min_mod_revision(options.min_mod_revision);
  request.set_max_mod_revision(options.max_mod_revision);
  request.set_min_create_revision(options.min_create_revision);
  request.set_max_create_revision(options.max_create_revision);
  return request;
}

etcdserverpb::PutRequest MakePutRequest(const std::string& key, const std::string& value,
                                        const PutOptions& options) {
  etcdserverpb::PutRequest request;
  request.set_key(key);
  request.set_value(value);
  request.set_lease(options.lease);
  request.set_prev_kv(options.prev_kv);
  request.set_ignore_value(options.ignore_value);
  request.set_ignore_lease(options.ignore_lease);
  return request;
}

etcdserverpb::DeleteRangeRequest MakeDeleteRequest(const std::string& key,
                                                   const DeleteOptions& options) {
  etcdserverpb::DeleteRangeRequest request;
  request.set_key(RangeStartKey(key, options.range));
  request.set_range_end(RangeEnd(key, options.range));
  request.set_prev_kv(options.prev_kv);
  return request;
}

}  // namespace raftkv::client
