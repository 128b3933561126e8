// Time source for lease deadlines, injectable so tests control expiry.
#ifndef RAFTKV_SERVER_LEASE_CLOCK_H_
#define RAFTKV_SERVER_LEASE_CLOCK_H_

#include <mutex>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace raftkv::server::lease {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class RealClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

class FakeClock : public Clock {
 public:
  absl::Time Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void Advance(absl::Duration by) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += by;
  }

 private:
  mutable std::mutex mu_;
  absl::Time now_ = absl::FromUnixSeconds(1'000'000);
};

}  // namespace raftkv::server::lease

#endif  // RAFTKV_SERVER_LEASE_CLOCK_H_
