// Test double: an in-memory revision history with etcd's event shapes, so the
// hub and the Watch service can be tested without the real MVCC store.
#ifndef RAFTKV_SERVER_WATCH_FAKE_EVENT_SOURCE_H_
#define RAFTKV_SERVER_WATCH_FAKE_EVENT_SOURCE_H_

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "server/watch/event_source.h"

namespace raftkv::server::watch {

class FakeEventSource : public EventSource {
 public:
  struct Op {
    bool is_delete = false;
    std::string key;
    std::string value;
  };

  // Writes all `ops` as one revision and returns (revision, events); the
  // caller forwards them to WatchHub::OnCommit. PUT events carry prev_kv (as
  // the store may); DELETE of an absent key produces no event.
  std::pair<int64_t, std::vector<mvccpb::Event>> Write(const std::vector<Op>& ops);
  std::pair<int64_t, std::vector<mvccpb::Event>> Put(const std::string& key,
                                                     const std::string& value) {
    return Write({Op{false, key, value}});
  }
  std::pair<int64_t, std::vector<mvccpb::Event>> Delete(const std::string& key) {
    return Write({Op{true, key, ""}});
  }
  void Compact(int64_t revision);
  int64_t CurrentRevision() const;

  absl::StatusOr<std::vector<mvccpb::Event>> Events(int64_t from_rev, int64_t to_rev,
                                                    const KeyRange& range) override;
  int64_t CompactRevision() const override;
  std::optional<mvccpb::KeyValue> ValueAt(const std::string& key, int64_t revision) override;

 private:
  mutable std::mutex mu_;
  int64_t revision_ = 1;  // etcd starts at revision 1 with an empty store
  int64_t compact_revision_ = 0;
  std::map<int64_t, std::vector<mvccpb::Event>> history_;
  std::map<std::string, mvccpb::KeyValue> live_;
};

}  // namespace raftkv::server::watch

#endif  // RAFTKV_SERVER_WATCH_FAKE_EVENT_SOURCE_H_
