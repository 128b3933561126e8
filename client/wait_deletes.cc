#include "client/wait_deletes.h"

#include <condition_variable>
#include <mutex>

#include "absl/strings/str_format.h"
#include "client/client.h"
#include "client/kv.h"
#include "client/watcher.h"

namespace raftkv::client {
namespace {

// Waits for a DELETE of `key` at or after `revision`. OK when it came.
absl::Status WaitDelete(Client* client, const std::string& key, int64_t revision,
                        std::chrono::steady_clock::time_point deadline) {
  std::mutex mu;
  std::condition_variable done_cv;
  bool done = false;
  absl::Status ended = absl::OkStatus();
  WatchOptions options;
  options.start_revision = revision;
  auto handle = client->watcher().Watch(key, options, [&](const WatchResponse& response) {
    bool finished = false;
    if (response.Terminal()) {
      finished = true;
      std::unique_lock<std::mutex> lock(mu);
      ended = absl::AbortedError("lost watcher waiting for delete: " + response.cancel_reason);
    }
    for (const auto& event : response.events) {
      if (event.type() == mvccpb::Event::DELETE) finished = true;
    }
    if (!finished) return;
    {
      std::unique_lock<std::mutex> lock(mu);
      done = true;
    }
    done_cv.notify_all();
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    if (!done_cv.wait_until(lock, deadline, [&] { return done; })) {
      lock.unlock();
      handle->Cancel();
      return absl::DeadlineExceededError("timed out waiting for " + key + " to be deleted");
    }
  }
  handle->Cancel();
  std::unique_lock<std::mutex> lock(mu);
  return ended;
}

}  // namespace

std::string ContenderKey(const std::string& prefix_with_slash, int64_t lease_id) {
  return absl::StrFormat("%s%x", prefix_with_slash, static_cast<uint64_t>(lease_id));
}

absl::StatusOr<etcdserverpb::ResponseHeader> WaitDeletes(Client* client,
                                                         const std::string& prefix_with_slash,
                                                         int64_t max_create_revision,
                                                         std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  GetOptions newest_older;
  newest_older.range.prefix = true;
  newest_older.sort_target = etcdserverpb::RangeRequest::CREATE;
  newest_older.sort_order = etcdserverpb::RangeRequest::DESCEND;
  newest_older.limit = 1;
  newest_older.max_create_revision = max_create_revision;
  while (true) {
    auto response = client->kv().Get(prefix_with_slash, newest_older);
    if (!response.ok()) return response.status();
    if (response->kvs_size() == 0) return response->header();
    absl::Status waited =
        WaitDelete(client, response->kvs(0).key(), response->header().revision(), deadline);
    if (!waited.ok()) return waited;
  }
}

}  // namespace raftkv::client
