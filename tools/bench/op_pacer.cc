#include "tools/bench/op_pacer.h"

namespace raftkv::bench {

OpPacer::OpPacer() : thread_([this] { Loop(); }) {}

OpPacer::~OpPacer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void OpPacer::Schedule(TimePoint due, std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push(Entry{due, next_order_++, std::move(task)});
  }
  changed_.notify_all();
}

void OpPacer::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (queue_.empty()) {
      changed_.wait(lock);
      continue;
    }
    const TimePoint due = queue_.top().due;
    if (std::chrono::steady_clock::now() < due) {
      changed_.wait_until(lock, due);
      continue;
    }
    // priority_queue::top is const; the task is moved out via a copy of the entry.
    std::function<void()> task = queue_.top().task;
    queue_.pop();
    // Tasks may schedule more tasks, so they run without the lock.
    lock.unlock();
    task();
    lock.lock();
  }
}

}  // namespace raftkv::bench
