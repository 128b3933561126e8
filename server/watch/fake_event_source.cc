#include "server/watch/fake_event_source.h"

#include "absl/status/status.h"

namespace raftkv::server::watch {

std::pair<int64_t, std::vector<mvccpb::Event>> FakeEventSource::Write(const std::vector<Op>& ops) {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t revision = revision_ + 1;
  std::vector<mvccpb::Event> events;
  for (const Op& op : ops) {
    auto it = live_.find(op.key);
    mvccpb::Event event;
    if (op.is_delete) {
      if (it == live_.end()) continue;
      event.set_type(mvccpb::Event::DELETE);
      event.mutable_kv()->set_key(op.key);
      event.mutable_kv()->set_mod_revision(revision);
      live_.erase(it);
    } else {
      mvccpb::KeyValue kv;
      kv.set_key(op.key);
      kv.set_value(op.value);
      kv.set_mod_revision(revision);
      if (it == live_.end()) {
        kv.set_create_revision(revision);
        kv.set_version(1);
      } else {
        *event.mutable_prev_kv() = it->second;
        kv.set_create_revision(it->second.create_revision());
        kv.set_version(it->second.version() + 1);
      }
      event.set_type(mvccpb::Event::PUT);
      *event.mutable_kv() = kv;
      live_[op.key] = kv;
    }
    events.push_back(event);
  }
  if (events.empty()) return {revision_, {}};
  revision_ = revision;
  history_[revision] = events;
  for (mvccpb::Event& event : history_[revision]) event.clear_prev_kv();  // stores keep none
  return {revision, events};
}

void FakeEventSource::Compact(int64_t revision) {
  std::lock_guard<std::mutex> lock(mu_);
  compact_revision_ = revision;
  history_.erase(history_.begin(), history_.lower_bound(revision));
}

int64_t FakeEventSource::CurrentRevision() const {
  std::lock_guard<std::mutex> lock(mu_);
  return revision_;
}

int64_t FakeEventSource::CompactRevision() const {
  std::lock_guard<std::mutex> lock(mu_);
  return compact_revision_;
}

absl::StatusOr<std::vector<mvccpb::Event>> FakeEventSource::Events(int64_t from_rev, int64_t to_rev,
                                                                   const KeyRange& range) {
  std::lock_guard<std::mutex> lock(mu_);
  if (from_rev < compact_revision_) {
    return absl::OutOfRangeError("etcdserver: mvcc: required revision has been compacted");
  }
  std::vector<mvccpb::Event> out;
  for (auto it = history_.lower_bound(from_rev); it != history_.end() && it->first <= to_rev;
       ++it) {
    for (const mvccpb::Event& event : it->second) {
      if (range.Contains(event.kv().key())) out.push_back(event);
    }
  }
  return out;
}

std::optional<mvccpb::KeyValue> FakeEventSource::ValueAt(const std::string& key, int64_t revision) {
  std::lock_guard<std::mutex> lock(mu_);
  if (revision < compact_revision_) return std::nullopt;
  std::optional<mvccpb::KeyValue> value;
  for (auto it = history_.begin(); it != history_.end() && it->first <= revision; ++it) {
    for (const mvccpb::Event& event : it->second) {
      if (event.kv().key() != key) continue;
      if (event.type() == mvccpb::Event::PUT) {
        value = event.kv();
      } else {
        value.reset();
      }
    }
  }
  return value;
}

}  // namespace raftkv::server::watch
