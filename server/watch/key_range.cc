#include "server/watch/key_range.h"

#include "absl/status/status.h"

namespace raftkv::server::watch {

absl::StatusOr<KeyRange> KeyRange::FromRequest(const std::string& key,
                                               const std::string& range_end) {
  std::string start = key.empty() ? std::string(1, '\0') : key;
  if (range_end.empty()) return KeyRange(std::move(start), "", Kind::kSingleKey);
  if (range_end == std::string(1, '\0')) {
    return KeyRange(std::move(start), "", Kind::kFromKey);
  }
  if (start >= range_end) {
    return absl::InvalidArgumentError("mvcc: watcher range is empty");
  }
  return KeyRange(std::move(start), range_end, Kind::kInterval);
}

bool KeyRange::Contains(const std::string& candidate) const {
  switch (kind_) {
    case Kind::kSingleKey:
      return candidate == key_;
    case Kind::kFromKey:
      return candidate >= key_;
    case Kind::kInterval:
      return candidate >= key_ && candidate < end_;
  }
  return false;
}

std::string KeyRange::range_end() const {
  switch (kind_) {
    case Kind::kSingleKey:
      return "";
    case Kind::kFromKey:
      return std::string(1, '\0');
    case Kind::kInterval:
      return end_;
  }
  return "";
}

}  // namespace raftkv::server::watch
