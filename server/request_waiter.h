// Connects a proposer with the apply thread that produces its command's outcome:
// Register(id, deadline, done) before proposing, Complete(id, result) after applying.
// No thread waits: `done` runs on whichever thread ends the request (the apply
// thread, a refusal, ExpireDue after the deadline, or FailAll on shutdown).
//
// Only the member that proposed a command has a waiter for its id; on every other
// member Complete is a no-op.
#ifndef RAFTKV_SERVER_REQUEST_WAITER_H_
#define RAFTKV_SERVER_REQUEST_WAITER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace raftkv::server {

template <typename Result>
class RequestWaiter {
 public:
  using Clock = std::chrono::steady_clock;
  using Callback = std::function<void(Result)>;

  // `done` runs exactly once, with the first of Complete, ExpireDue (once `deadline`
  // has passed) or FailAll to reach `id`.
  void Register(uint64_t id, Clock::time_point deadline, Callback done) {
    std::lock_guard<std::mutex> lock(mu_);
    waiting_.emplace(id, Entry{deadline, std::move(done)});
  }

  // Hands `result` to the waiter for `id`, if any. Returns whether one was waiting.
  bool Complete(uint64_t id, Result result) {
    Callback done;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = waiting_.find(id);
      if (it == waiting_.end()) return false;
      done = std::move(it->second.done);
      waiting_.erase(it);
    }
    done(std::move(result));
    return true;
  }

  // Runs every waiter whose deadline is before `now` with a result made by
  // `make_timeout`. One fresh result each: copies of an absl::Status share one
  // reference-counted payload, whose count ThreadSanitizer cannot see in Debian's
  // uninstrumented absl, so sharing one across threads reads as a race.
  void ExpireDue(Clock::time_point now, const std::function<Result()>& make_timeout) {
    std::vector<Callback> expired;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto it = waiting_.begin(); it != waiting_.end();) {
        if (it->second.deadline > now) {
          ++it;
          continue;
        }
        expired.push_back(std::move(it->second.done));
        it = waiting_.erase(it);
      }
    }
    for (Callback& done : expired) done(make_timeout());
  }

  // Completes every waiter with a result made by `make_result` (used when the server stops).
  void FailAll(const std::function<Result()>& make_result) {
    std::unordered_map<uint64_t, Entry> waiting;
    {
      std::lock_guard<std::mutex> lock(mu_);
      waiting.swap(waiting_);
    }
    for (auto& [id, entry] : waiting) entry.done(make_result());
  }

  size_t PendingCount() const {
    std::lock_guard<std::mutex> lock(mu_);
    return waiting_.size();
  }

 private:
  struct Entry {
    Clock::time_point deadline;
    Callback done;
  };

  mutable std::mutex mu_;
  std::unordered_map<uint64_t, Entry> waiting_;
};

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_REQUEST_WAITER_H_
