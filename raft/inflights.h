// The sliding window of AppendEntries messages in flight to one follower.
#ifndef RAFTKV_RAFT_INFLIGHTS_H_
#define RAFTKV_RAFT_INFLIGHTS_H_

#include <cstddef>
#include <cstdint>
#include <deque>

namespace raftkv::raft {

// Remembers the last entry index of each unacknowledged message, in send order.
class Inflights {
 public:
  explicit Inflights(int capacity) : capacity_(capacity) {}

  void Add(uint64_t last_index) { window_.push_back(last_index); }
  // Everything up to and including `index` was acknowledged.
  void FreeLE(uint64_t index) {
    while (!window_.empty() && window_.front() <= index) window_.pop_front();
  }
  // Makes room for one probe when a heartbeat shows the follower is alive.
  void FreeFirstOne() {
    if (!window_.empty()) window_.pop_front();
  }
  bool Full() const { return window_.size() >= static_cast<size_t>(capacity_); }
  int Count() const { return static_cast<int>(window_.size()); }
  void Reset() { window_.clear(); }

 private:
  int capacity_;
  std::deque<uint64_t> window_;
};

}  // namespace raftkv::raft

#endif  // RAFTKV_RAFT_INFLIGHTS_H_
