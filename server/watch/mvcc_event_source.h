// EventSource backed by the real MVCC store (storage/mvcc_store.h).
#ifndef RAFTKV_SERVER_WATCH_MVCC_EVENT_SOURCE_H_
#define RAFTKV_SERVER_WATCH_MVCC_EVENT_SOURCE_H_

#include "server/watch/event_source.h"
#include "storage/mvcc_store.h"

namespace raftkv::server::watch {

class MvccEventSource : public EventSource {
 public:
  // `store` must outlive this adapter.
  explicit MvccEventSource(const storage::MvccStore* store) : store_(store) {}

  absl::StatusOr<std::vector<mvccpb::Event>> Events(int64_t from_rev, int64_t to_rev,
                                                    const KeyRange& range) override;
  int64_t CompactRevision() const override { return store_->CompactRevision(); }
  std::optional<mvccpb::KeyValue> ValueAt(const std::string& key, int64_t revision) override;

 private:
  const storage::MvccStore* const store_;
};

}  // namespace raftkv::server::watch

#endif  // RAFTKV_SERVER_WATCH_MVCC_EVENT_SOURCE_H_
