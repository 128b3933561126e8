#ifndef RAFTKV_TOOLS_BENCH_OP_PACER_H_
#define RAFTKV_TOOLS_BENCH_OP_PACER_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace raftkv::bench {

// Runs tasks at (or just after) their due time on one thread of its own. A
// rate-limited load must not wait on gRPC callback threads: those also deliver
// the responses (and watch events) being measured.
class OpPacer {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  OpPacer();
  // Runs nothing more; tasks still queued are dropped.
  ~OpPacer();
  OpPacer(const OpPacer&) = delete;
  OpPacer& operator=(const OpPacer&) = delete;

  void Schedule(TimePoint due, std::function<void()> task);

 private:
  struct Entry {
    TimePoint due;
    uint64_t order;  // FIFO among equal due times
    std::function<void()> task;
    bool operator>(const Entry& other) const {
      return due != other.due ? due > other.due : order > other.order;
    }
  };
  void Loop();

  std::mutex mu_;
  std::condition_variable changed_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> queue_;
  uint64_t next_order_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace raftkv::bench

#endif  // RAFTKV_TOOLS_BENCH_OP_PACER_H_
