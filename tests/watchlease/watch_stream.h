// One etcdserverpb.Watch stream to one member, carrying many watches. A reader thread
// records every event per watch id, so a test can later demand that each watcher saw
// each revision exactly once and in order.
#ifndef RAFTKV_TESTS_WATCHLEASE_WATCH_STREAM_H_
#define RAFTKV_TESTS_WATCHLEASE_WATCH_STREAM_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "proto/kv.pb.h"
#include "proto/rpc.grpc.pb.h"

namespace raftkv::watchlease_test {

struct WatchSpec {
  std::string key;
  std::string range_end;  // empty: the single key `key`
  int64_t start_revision = 0;
  bool prev_kv = false;
};

class WatchStream {
 public:
  explicit WatchStream(const std::string& endpoint);
  ~WatchStream();
  WatchStream(const WatchStream&) = delete;
  WatchStream& operator=(const WatchStream&) = delete;

  const std::string& endpoint() const { return endpoint_; }

  // Creates a watch and waits for the server to confirm it; returns its watch id.
  // Creations are serialised so that each "created" response belongs to our request.
  absl::StatusOr<int64_t> Watch(const WatchSpec& spec,
                                std::chrono::milliseconds timeout = std::chrono::seconds(5));

  // Every event received so far for `watch_id`, in arrival order.
  std::vector<mvccpb::Event> Events(int64_t watch_id) const;
  size_t EventCount(int64_t watch_id) const;
  // Waits until `watch_id` has at least `count` events; false at the deadline.
  bool WaitForEvents(int64_t watch_id, size_t count, std::chrono::milliseconds timeout) const;
  // The server ended the stream (member died, or an error).
  bool Broken() const;
  bool WaitUntilBroken(std::chrono::milliseconds timeout) const;
  // Watch ids the server canceled, with the reason.
  std::map<int64_t, std::string> Canceled() const;

 private:
  void ReadLoop();

  std::string endpoint_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<etcdserverpb::Watch::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<etcdserverpb::WatchRequest, etcdserverpb::WatchResponse>>
      stream_;
  std::mutex create_mu_;  // one creation in flight at a time

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  std::deque<int64_t> created_ids_;                       // guarded by mu_
  std::map<int64_t, std::vector<mvccpb::Event>> events_;  // guarded by mu_
  std::map<int64_t, std::string> canceled_;               // guarded by mu_
  bool broken_ = false;                                   // guarded by mu_
  std::thread reader_;
};

}  // namespace raftkv::watchlease_test

#endif  // RAFTKV_TESTS_WATCHLEASE_WATCH_STREAM_H_
