// A reader/writer lock that does not starve writers.
//
// std::shared_mutex on glibc prefers readers: while reads overlap, a waiting
// writer never gets in, which would stall the apply loop under read-heavy
// load. Here every acquisition first passes a turnstile mutex; a writer holds
// it while waiting, so new readers queue behind the writer. (Built on std
// primitives so ThreadSanitizer understands it.)
#ifndef RAFTKV_STORAGE_MVCC_FAIR_SHARED_MUTEX_H_
#define RAFTKV_STORAGE_MVCC_FAIR_SHARED_MUTEX_H_

#include <mutex>
#include <shared_mutex>

namespace raftkv::storage {

class FairSharedMutex {
 public:
  void lock() {
    std::lock_guard turn(turnstile_);
    mu_.lock();
  }
  void unlock() { mu_.unlock(); }
  void lock_shared() {
    std::lock_guard turn(turnstile_);
    mu_.lock_shared();
  }
  void unlock_shared() { mu_.unlock_shared(); }

 private:
  std::mutex turnstile_;
  std::shared_mutex mu_;
};

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_MVCC_FAIR_SHARED_MUTEX_H_
