#include "server/watch/mvcc_event_source.h"

namespace raftkv::server::watch {

absl::StatusOr<std::vector<mvccpb::Event>> MvccEventSource::Events(int64_t from_rev, int64_t to_rev,
                                                                   const KeyRange& range) {
  // The hub bounds the revision window itself, so no event cap here.
  return store_->Events(from_rev, to_rev, range.key(), range.range_end(), /*max_events=*/0);
}

std::optional<mvccpb::KeyValue> MvccEventSource::ValueAt(const std::string& key, int64_t revision) {
  if (revision <= 0) return std::nullopt;
  etcdserverpb::RangeRequest request;
  request.set_key(key);
  request.set_revision(revision);
  absl::StatusOr<etcdserverpb::RangeResponse> response = store_->Range(request);
  if (!response.ok() || response->kvs_size() == 0) return std::nullopt;
  return response->kvs(0);
}

}  // namespace raftkv::server::watch
