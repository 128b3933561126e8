// Watches with automatic resume: each watch runs its own stream and, when the stream breaks
// (member down, paused or leaderless), reopens it on another member from the revision after
// the last one delivered, so no event is lost or repeated. Compaction of that revision ends
// the watch with a response whose compact_revision is set: the caller must relist.
#ifndef RAFTKV_CLIENT_WATCHER_H_
#define RAFTKV_CLIENT_WATCHER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "client/kv_options.h"
#include "proto/kv.pb.h"
#include "proto/rpc.pb.h"

namespace grpc {
class ClientContext;
}

namespace raftkv::client {

class Client;

struct WatchOptions {
  KeyRange range;
  int64_t start_revision = 0;  // 0: from the revision after the current one
  bool prev_kv = false;
  bool progress_notify = false;
  bool filter_put = false;
  bool filter_delete = false;
};

struct WatchResponse {
  // The server's header (cluster, member, term, revision) as sent with this response.
  etcdserverpb::ResponseHeader header;
  int64_t header_revision = 0;  // header.revision(), kept for existing callers
  std::vector<mvccpb::Event> events;
  // Set when the watch's next revision was compacted away; the watch has ended.
  int64_t compact_revision = 0;
  // Set when the server ended the watch for another reason; the watch has ended.
  bool canceled = false;
  std::string cancel_reason;

  bool Terminal() const { return canceled || compact_revision != 0; }
  bool IsProgressNotify() const { return events.empty() && !Terminal(); }
};

using WatchCallback = std::function<void(const WatchResponse&)>;

// A running watch. Destroying it cancels the watch.
class WatchHandle {
 public:
  WatchHandle(Client* client, std::string key, WatchOptions options, WatchCallback callback);
  ~WatchHandle();
  WatchHandle(const WatchHandle&) = delete;
  WatchHandle& operator=(const WatchHandle&) = delete;

  // Stops the watch; no callback runs after Cancel returns (unless called from the callback).
  void Cancel();
  // The revision the watch resumes from after a reconnect.
  int64_t NextRevision() const;
  // Blocks until the server has confirmed the watch (so later writes will be seen).
  bool WaitCreated(std::chrono::milliseconds timeout) const;
  // Number of streams opened so far (1 + reconnects).
  int Streams() const;

 private:
  void Run();
  enum class Next { kContinue, kReconnect, kEnd };
  // Runs one stream to its end; false when the watch is over.
  bool RunStream();
  Next Deliver(const etcdserverpb::WatchResponse& response);
  bool WaitOrStop(std::chrono::milliseconds duration);

  Client* client_;
  const std::string key_;
  const WatchOptions options_;
  const WatchCallback callback_;

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;  // stopped_ or created_ changed
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  bool created_ ABSL_GUARDED_BY(mu_) = false;
  int streams_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t next_revision_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<grpc::ClientContext> context_ ABSL_GUARDED_BY(mu_);
  std::thread worker_;
};

// Pull-style watch: responses queue up until Next takes them.
class WatchStream {
 public:
  WatchStream(Client* client, const std::string& key, const WatchOptions& options);
  // The next response, or nullopt after `timeout`.
  std::optional<WatchResponse> Next(std::chrono::milliseconds timeout);
  WatchHandle& handle() { return *handle_; }

 private:
  std::mutex mu_;
  std::condition_variable pushed_;
  std::deque<WatchResponse> queue_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<WatchHandle> handle_;
};

class Watcher {
 public:
  explicit Watcher(Client* client) : client_(client) {}
  // `callback` runs on the watch's own thread, one response at a time, in revision order.
  std::unique_ptr<WatchHandle> Watch(const std::string& key, const WatchOptions& options,
                                     WatchCallback callback);
  std::unique_ptr<WatchStream> Open(const std::string& key, const WatchOptions& options = {});

 private:
  Client* client_;
};

}  // namespace raftkv::client

#endif  // RAFTKV_CLIENT_WATCHER_H_
