// The watch hub: fans committed MVCC events out to every watcher, in revision
// order, exactly once, without ever blocking the apply thread on a slow client.
//
// Model (etcd's watchable store): a watcher is either *synced* (it has seen every
// revision up to the hub's current revision; OnCommit delivers new events to it
// directly) or *unsynced* (it is behind: it asked for history, or its stream's
// bounded buffer was full). A background catch-up worker reads the missing
// revisions from the EventSource and moves the watcher back to synced once it
// has caught up. Unsynced watchers hold no buffered events, so memory per stream
// is bounded by the stream buffer alone.
//
// Events of one revision always travel in one response; a catch-up response
// may carry several whole revisions.
#ifndef RAFTKV_SERVER_WATCH_WATCH_HUB_H_
#define RAFTKV_SERVER_WATCH_WATCH_HUB_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "proto/kv.pb.h"
#include "proto/rpc.pb.h"
#include "server/watch/event_source.h"
#include "server/watch/key_range.h"

namespace raftkv::server::watch {

class WatchStream;
struct Watcher;

// The events one commit delivers to many watchers of the same range: built
// once per revision (not once per watcher) and shared by their responses.
// `wire` is the events serialized as WatchResponse field 11 entries, so a
// writer can append it to a serialized response shell without copying.
struct SharedEvents {
  std::vector<mvccpb::Event> events;  // prev_kv cleared
  std::string wire;
};

struct WatchHubOptions {
  // Event responses a stream may hold before its watchers fall back to catch-up.
  // etcd holds 128 per stream, but a watcher that overflows it keeps its events
  // there (victims) while here it re-reads them from storage; and clients put
  // many watches on one stream, each event of a revision costing one response
  // per watch. 1024 gives a stream of 100 watches ~10 revisions of slack.
  size_t stream_buffer_responses = 1024;
  // Revisions read from the EventSource per catch-up response (etcd: 1000).
  int64_t max_revisions_per_catchup = 1000;
  // Watchers served per catch-up round (etcd: 512).
  size_t max_watchers_per_catchup_round = 512;
  // How soon the worker retries watchers whose stream buffer was full.
  absl::Duration catchup_retry_interval = absl::Milliseconds(10);
};

class WatchHub {
 public:
  // `source` must outlive the hub. `current_revision` is the store's revision
  // at construction; afterwards the hub advances it through OnCommit.
  WatchHub(EventSource* source, int64_t current_revision, WatchHubOptions options = {});
  // Every WatchStream must be destroyed (or Closed) before the hub.
  ~WatchHub();
  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;

  std::shared_ptr<WatchStream> NewStream();

  // Called by the apply thread after each write revision, in revision order,
  // with that revision's events. Never blocks on clients.
  void OnCommit(int64_t revision, const std::vector<mvccpb::Event>& events);

  // The store was replaced (snapshot install): every watcher re-reads history
  // from its next revision (or gets a compacted cancel if that is gone).
  void OnRestore(int64_t revision);

  int64_t CurrentRevision() const;
  size_t SyncedWatcherCount() const;
  size_t UnsyncedWatcherCount() const;

 private:
  friend class WatchStream;
  struct CatchUpRead;

  void AddWatcherLocked(const std::shared_ptr<Watcher>& watcher);
  void RemoveWatcherLocked(Watcher* watcher);
  void AddSyncedLocked(Watcher* watcher);
  void RemoveSyncedLocked(Watcher* watcher);
  void MakeUnsyncedLocked(Watcher* watcher, int64_t next_rev);
  void MatchSyncedLocked(const std::string& key, std::vector<Watcher*>* out) const;
  void OnSingleEventCommitLocked(int64_t revision, const std::vector<mvccpb::Event>& events);
  // Queues the watcher's response for the events at `indices`, sharing `shared`
  // unless the watcher needs its own copy; a full stream makes it unsynced.
  void PushCommittedLocked(Watcher* watcher, int64_t revision,
                           const std::vector<mvccpb::Event>& events,
                           const std::vector<uint32_t>& indices,
                           std::shared_ptr<const SharedEvents> shared);
  void WakeWorker();

  void CatchUpLoop();
  // One round over up to max_watchers_per_catchup_round unsynced watchers;
  // returns true when any watcher made progress.
  bool CatchUpRound();
  bool ApplyCatchUpLocked(const CatchUpRead& read);

  EventSource* const source_;
  const WatchHubOptions options_;

  mutable std::mutex mu_;
  int64_t current_revision_;
  // Synced watchers indexed for matching: exact keys and ranges.
  std::unordered_map<std::string, std::unordered_set<Watcher*>> synced_by_key_;
  std::unordered_set<Watcher*> synced_ranges_;
  size_t synced_count_ = 0;
  std::unordered_map<Watcher*, std::shared_ptr<Watcher>> unsynced_;

  std::condition_variable worker_cv_;
  bool stopping_ = false;
  bool wake_ = false;
  std::thread worker_;
};

// One client watch stream (one gRPC Watch call) carrying many watches. The
// reader side calls Create/Cancel/RequestProgress; a single writer drains
// responses, either blocking (Pop) or, for an asynchronous writer, with TryPopBatch
// plus a ready callback that says when an empty queue got a response again.
class WatchStream {
 public:
  ~WatchStream();

  // Registers a watch and queues its "created" response (or a created+canceled
  // response with etcd's cancel_reason on error). watch_id 0 = server picks.
  absl::StatusOr<int64_t> Create(const etcdserverpb::WatchCreateRequest& request);
  // Queues the "canceled" response; NotFound (nothing queued) for unknown ids.
  absl::Status Cancel(int64_t watch_id);
  // WatchProgressRequest: queues a header-only response with watch_id -1 whose
  // revision every watch of this stream has been fully delivered up to.
  void RequestProgress();
  // Periodic progress_notify tick: each synced progress_notify watch that got
  // no events since the previous tick receives an empty response.
  void TickProgress();

  enum class PopResult { kResponse, kTimeout, kClosed };
  // Next response in order; `fragment` says whether the watch asked for
  // fragmentation; `more_queued` (optional) whether another response is already
  // waiting behind it. prev_kv is filled here (outside the hub lock).
  PopResult Pop(absl::Time deadline, etcdserverpb::WatchResponse* response, bool* fragment,
                bool* more_queued = nullptr);

  struct PoppedResponse {
    etcdserverpb::WatchResponse response;  // without events when `shared_events` is set
    std::shared_ptr<const SharedEvents> shared_events;
    bool fragment = false;
  };
  // Non-blocking, for a writer that coalesces: the queued event responses up to
  // the next control response (or that control response alone), at most
  // `max_responses`, in queue order. kTimeout (queue empty) arms the ready
  // callback.
  PopResult TryPopBatch(size_t max_responses, std::vector<PoppedResponse>* batch);

  // Runs (under the hub's and the stream's locks, so it must only hand off, never
  // call back into the hub) when a response is queued after TryPopBatch found the queue
  // empty. An empty function detaches; after it returns no call is running.
  void SetReadyCallback(std::function<void()> callback);
  // Whether a control response (created/canceled/progress) can be queued without
  // waiting: an asynchronous reader reads the next request only then, so a client
  // that never reads stays bounded without blocking a thread.
  bool HasControlRoom();

  // Removes all watches; Pop then returns kClosed once the queue is drained.
  void Close();

 private:
  friend class WatchHub;
  struct Outgoing {
    etcdserverpb::WatchResponse response;
    std::shared_ptr<const SharedEvents> shared_events;
    bool counts_against_buffer = false;
    bool fill_prev_kv = false;
    bool fragment = false;
  };
  explicit WatchStream(WatchHub* hub) : hub_(hub) {}

  // Control responses (created/canceled/progress) come from the reader thread,
  // which waits here for room so a client that never reads stays bounded.
  void WaitForControlRoom();
  void PushControl(etcdserverpb::WatchResponse response);
  // Event-carrying responses; false when the buffer is full. `shared` (only for
  // watchers without prev_kv and fragment) holds the response's events.
  bool TryPushEvents(Watcher& watcher, etcdserverpb::WatchResponse response,
                     std::shared_ptr<const SharedEvents> shared = nullptr);
  // TryPushEvents for a watcher without prev_kv and fragment whose response
  // carries only `shared` (not null): no response is built and moved per watcher.
  bool TryPushShared(Watcher& watcher, int64_t revision,
                     std::shared_ptr<const SharedEvents> shared);
  void FillPrevKv(etcdserverpb::WatchResponse* response);
  int64_t PickWatchIdLocked();
  // Takes the front response; the caller holds queue_mu_ and saw it non-empty.
  Outgoing TakeFrontLocked(bool* wake_hub);
  PopResult Deliver(Outgoing outgoing, bool wake_hub, etcdserverpb::WatchResponse* response,
                    bool* fragment);
  void NotifyReadyLocked();

  WatchHub* const hub_;
  // Guarded by hub_->mu_.
  std::map<int64_t, std::shared_ptr<Watcher>> watchers_;
  int64_t next_watch_id_ = 0;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Outgoing> queue_;
  size_t buffered_events_ = 0;
  size_t buffered_control_ = 0;
  bool starved_ = false;  // a push failed since the last Pop
  bool closed_ = false;
  std::function<void()> ready_callback_;
  bool ready_armed_ = false;  // TryPopBatch found the queue empty since the last notification
};

}  // namespace raftkv::server::watch

#endif  // RAFTKV_SERVER_WATCH_WATCH_HUB_H_
