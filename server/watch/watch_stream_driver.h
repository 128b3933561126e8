// One thread that drives every Watch stream of a server: it starts the writes of
// streams whose queue got a response while they were idle, and runs their
// periodic checks (progress_notify ticks, leader checks). No stream needs a
// thread of its own, and the apply thread only hands a stream over (Kick), so
// it never serialises responses or waits for a gRPC lock.
#ifndef RAFTKV_SERVER_WATCH_WATCH_STREAM_DRIVER_H_
#define RAFTKV_SERVER_WATCH_WATCH_STREAM_DRIVER_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/time/time.h"

namespace raftkv::server::watch {

// What the driver calls on a stream, always from its own thread.
class DrivenStream {
 public:
  virtual ~DrivenStream() = default;
  // Starts writing queued responses if no write is in flight.
  virtual void Pump() = 0;
  // Periodic: every tick interval.
  virtual void Tick(absl::Time now) = 0;
};

class WatchStreamDriver {
 public:
  explicit WatchStreamDriver(absl::Duration tick_interval);
  // Joins the thread; streams still registered are simply no longer driven.
  ~WatchStreamDriver();
  WatchStreamDriver(const WatchStreamDriver&) = delete;
  WatchStreamDriver& operator=(const WatchStreamDriver&) = delete;

  // Ticks the stream until it is destroyed.
  void Register(std::weak_ptr<DrivenStream> stream);
  // Schedules stream->Pump() on the driver thread. Cheap and never calls the
  // stream inline, so it may be called under the watch hub's locks.
  void Kick(std::weak_ptr<DrivenStream> stream);

 private:
  void Loop();
  void TickAll(absl::Time now);

  const absl::Duration tick_interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::vector<std::weak_ptr<DrivenStream>> kicked_;
  std::vector<std::weak_ptr<DrivenStream>> registered_;
  std::thread thread_;
};

}  // namespace raftkv::server::watch

#endif  // RAFTKV_SERVER_WATCH_WATCH_STREAM_DRIVER_H_
