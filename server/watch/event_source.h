// What the watch hub needs from the MVCC store to serve watchers that are
// behind (history catch-up) and to fill prev_kv. Kept minimal so the hub can be
// tested with an in-memory fake and wired to storage::MvccStore by an adapter.
#ifndef RAFTKV_SERVER_WATCH_EVENT_SOURCE_H_
#define RAFTKV_SERVER_WATCH_EVENT_SOURCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "proto/kv.pb.h"
#include "server/watch/key_range.h"

namespace raftkv::server::watch {

class EventSource {
 public:
  virtual ~EventSource() = default;

  // All events of revisions [from_rev, to_rev] whose key is in `range`, in
  // revision order (events of one revision in the order they were written).
  // OutOfRange when from_rev is below CompactRevision().
  virtual absl::StatusOr<std::vector<mvccpb::Event>> Events(int64_t from_rev, int64_t to_rev,
                                                            const KeyRange& range) = 0;

  // Revisions below this one are no longer available.
  virtual int64_t CompactRevision() const = 0;

  // The key-value of `key` as of `revision`, or nullopt if it did not exist
  // then (or that revision was compacted). Used for prev_kv.
  virtual std::optional<mvccpb::KeyValue> ValueAt(const std::string& key, int64_t revision) = 0;
};

}  // namespace raftkv::server::watch

#endif  // RAFTKV_SERVER_WATCH_EVENT_SOURCE_H_
