// The set of keys one watcher observes, in etcd's request conventions:
// an empty range_end means the single key `key`, range_end "\0" means every key
// >= key, anything else is the half-open interval [key, range_end).
#ifndef RAFTKV_SERVER_WATCH_KEY_RANGE_H_
#define RAFTKV_SERVER_WATCH_KEY_RANGE_H_

#include <string>

#include "absl/status/statusor.h"

namespace raftkv::server::watch {

class KeyRange {
 public:
  // Normalizes a WatchCreateRequest's key/range_end as etcd does: an empty key
  // becomes "\0" (the smallest key). Fails with etcd's "mvcc: watcher range is
  // empty" when range_end is a real bound not greater than key.
  static absl::StatusOr<KeyRange> FromRequest(const std::string& key, const std::string& range_end);

  bool Contains(const std::string& candidate) const;
  bool IsSingleKey() const { return kind_ == Kind::kSingleKey; }

  // Wire form (etcd RangeRequest conventions), for stores that take key/range_end.
  const std::string& key() const { return key_; }
  std::string range_end() const;

 private:
  enum class Kind { kSingleKey, kFromKey, kInterval };
  KeyRange(std::string key, std::string end, Kind kind)
      : key_(std::move(key)), end_(std::move(end)), kind_(kind) {}

  std::string key_;
  std::string end_;  // only meaningful for kInterval
  Kind kind_;
};

}  // namespace raftkv::server::watch

#endif  // RAFTKV_SERVER_WATCH_KEY_RANGE_H_
