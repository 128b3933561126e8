// Connects a proposer waiting for its command's outcome with the apply thread that
// produces it: Register(id) before proposing, Complete(id, result) after applying.
//
// Only the member that proposed a command has a waiter for its id; on every other
// member Complete is a no-op.
#ifndef RAFTKV_SERVER_REQUEST_WAITER_H_
#define RAFTKV_SERVER_REQUEST_WAITER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "server/etcd_errors.h"

namespace raftkv::server {

template <typename Result>
class RequestWaiter {
 public:
  using Clock = std::chrono::steady_clock;

  // Returns the future that Complete(id, ...) or FailAll fulfils.
  std::future<Result> Register(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    return waiting_[id].get_future();
  }

  // Like Register, but `done` runs with the result instead (on the thread that
  // completes, fails or expires it); no thread waits. ExpireCallbacks hands it
  // the timeout result once `deadline` has passed.
  using Callback = std::function<void(Result)>;
  void RegisterCallback(uint64_t id, Clock::time_point deadline, Callback done) {
    std::lock_guard<std::mutex> lock(mu_);
    callbacks_.emplace(id, CallbackEntry{deadline, std::move(done)});
  }

  // Hands `result` to the waiter for `id`, if any. Returns whether one was waiting.
  bool Complete(uint64_t id, Result result) {
    std::promise<Result> promise;
    Callback callback;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = waiting_.find(id);
      if (it != waiting_.end()) {
        promise = std::move(it->second);
        waiting_.erase(it);
      } else {
        auto cb = callbacks_.find(id);
        if (cb == callbacks_.end()) return false;
        callback = std::move(cb->second.done);
        callbacks_.erase(cb);
      }
    }
    if (callback) {
      callback(std::move(result));
    } else {
      promise.set_value(std::move(result));
    }
    return true;
  }

  // Runs every callback whose deadline is before `now` with a result made by
  // `make_timeout`. One fresh result each: copies of an absl::Status share one
  // reference-counted payload, whose count ThreadSanitizer cannot see in Debian's
  // uninstrumented absl, so sharing one across threads reads as a race.
  void ExpireCallbacks(Clock::time_point now, const std::function<Result()>& make_timeout) {
    std::vector<Callback> expired;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto it = callbacks_.begin(); it != callbacks_.end();) {
        if (it->second.deadline > now) {
          ++it;
          continue;
        }
        expired.push_back(std::move(it->second.done));
        it = callbacks_.erase(it);
      }
    }
    for (Callback& done : expired) done(make_timeout());
  }

  // Forgets `id` (e.g. the proposal failed, or the waiter gave up). Returns false if
  // Complete already took it, in which case the future is (about to be) fulfilled.
  bool Cancel(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    return waiting_.erase(id) > 0 || callbacks_.erase(id) > 0;
  }

  // Waits for the result of `id` until `deadline`; on timeout forgets the id and
  // returns `on_timeout` (etcd's "request timed out").
  Result Wait(uint64_t id, std::future<Result>& future, Clock::time_point deadline,
              const Result& on_timeout) {
    if (future.wait_until(deadline) == std::future_status::ready) return future.get();
    if (Cancel(id)) return on_timeout;
    // Complete raced with the timeout and took the promise: its value is on the way.
    return future.get();
  }

  // Completes every waiter with `result` (used when the server stops).
  void FailAll(const Result& result) {
    std::unordered_map<uint64_t, std::promise<Result>> waiting;
    std::unordered_map<uint64_t, CallbackEntry> callbacks;
    {
      std::lock_guard<std::mutex> lock(mu_);
      waiting.swap(waiting_);
      callbacks.swap(callbacks_);
    }
    for (auto& [id, promise] : waiting) promise.set_value(result);
    for (auto& [id, entry] : callbacks) entry.done(result);
  }

  size_t PendingCount() const {
    std::lock_guard<std::mutex> lock(mu_);
    return waiting_.size() + callbacks_.size();
  }

 private:
  struct CallbackEntry {
    Clock::time_point deadline;
    Callback done;
  };

  mutable std::mutex mu_;
  std::unordered_map<uint64_t, std::promise<Result>> waiting_;
  std::unordered_map<uint64_t, CallbackEntry> callbacks_;
};

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_REQUEST_WAITER_H_
