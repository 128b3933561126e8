// Options of the KV calls and the etcdserverpb requests they build. Every field of etcd's
// RangeRequest / PutRequest / DeleteRangeRequest is reachable from here.
#ifndef RAFTKV_CLIENT_KV_OPTIONS_H_
#define RAFTKV_CLIENT_KV_OPTIONS_H_

#include <cstdint>
#include <string>

#include "proto/rpc.pb.h"

namespace raftkv::client {

// Which keys a call covers besides `key` itself.
struct KeyRange {
  std::string range_end;  // explicit end (exclusive); wins over the flags below
  bool prefix = false;    // every key starting with `key`
  bool from_key = false;  // every key >= `key`
};

struct GetOptions {
  KeyRange range;
  int64_t limit = 0;
  int64_t revision = 0;  // 0: the latest
  etcdserverpb::RangeRequest::SortOrder sort_order = etcdserverpb::RangeRequest::NONE;
  etcdserverpb::RangeRequest::SortTarget sort_target = etcdserverpb::RangeRequest::KEY;
  bool serializable = false;
  bool keys_only = false;
  bool count_only = false;
  int64_t min_mod_revision = 0;
  int64_t max_mod_revision = 0;
  int64_t min_create_revision = 0;
  int64_t max_create_revision = 0;
};

struct PutOptions {
  int64_t lease = 0;
  bool prev_kv = false;
  bool ignore_value = false;
  bool ignore_lease = false;
};

struct DeleteOptions {
  KeyRange range;
  bool prev_kv = false;
};

// The smallest key greater than every key with `prefix` ("\0" for an empty or all-0xff prefix,
// which etcd reads as "to the end").
std::string PrefixEnd(const std::string& prefix);
// The range_end the server expects for `key` and `range`.
std::string RangeEnd(const std::string& key, const KeyRange& range);
// The key the server expects: an empty key with `prefix` or `from_key` means the whole
// keyspace and is sent as "\0" (as etcd's clientv3 does); the server refuses an empty key.
std::string RangeStartKey(const std::string& key, const KeyRange& range);

etcdserverpb::RangeRequest MakeRangeRequest(const std::string& key, const GetOptions& options);
etcdserverpb::PutRequest MakePutRequest(const std::string& key, const std::string& value,
                                        const PutOptions& options);
etcdserverpb::DeleteRangeRequest MakeDeleteRequest(const std::string& key,
                                                   const DeleteOptions& options);

}  // namespace raftkv::client

#endif  // RAFTKV_CLIENT_KV_OPTIONS_H_
