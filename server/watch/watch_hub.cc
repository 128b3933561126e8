#include "server/watch/watch_hub.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "absl/status/status.h"

namespace raftkv::server::watch {
namespace {

constexpr int64_t kInvalidWatchId = -1;
// Control responses a stream may hold before its reader waits (etcd: 16).
constexpr size_t kControlBufferResponses = 16;

constexpr char kCompactedReason[] = "etcdserver: mvcc: required revision has been compacted";
constexpr char kDuplicateIdReason[] = "mvcc: duplicate watch ID provided on the WatchStream";
constexpr char kNoSuchWatcherReason[] = "mvcc: watcher does not exist";

bool IsCreateEvent(const mvccpb::Event& event) {
  return event.type() == mvccpb::Event::PUT &&
         event.kv().create_revision() == event.kv().mod_revision();
}

}  // namespace

struct Watcher {
  explicit Watcher(KeyRange watched) : range(std::move(watched)) {}

  int64_t id = 0;
  WatchStream* stream = nullptr;
  KeyRange range;
  bool prev_kv = false;
  bool no_put = false;
  bool no_delete = false;
  bool progress_notify = false;
  bool fragment = false;
  // The first revision this watcher still needs. For synced watchers the
  // effective value is max(next_rev, hub revision + 1) (it only matters for a
  // start_revision in the future).
  int64_t next_rev = 0;
  bool synced = false;
  bool removed = false;
  bool sent_since_progress_tick = false;

  bool Wants(const mvccpb::Event& event) const {
    if (no_put && event.type() == mvccpb::Event::PUT) return false;
    if (no_delete && event.type() == mvccpb::Event::DELETE) return false;
    return true;
  }
};

// ---------------------------------------------------------------------------
// WatchHub

WatchHub::WatchHub(EventSource* source, int64_t current_revision, WatchHubOptions options)
    : source_(source), options_(options), current_revision_(current_revision) {
  worker_ = std::thread([this] { CatchUpLoop(); });
}

WatchHub::~WatchHub() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  worker_cv_.notify_all();
  worker_.join();
}

std::shared_ptr<WatchStream> WatchHub::NewStream() {
  return std::shared_ptr<WatchStream>(new WatchStream(this));
}

int64_t WatchHub::CurrentRevision() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_revision_;
}

size_t WatchHub::SyncedWatcherCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return synced_count_;
}

size_t WatchHub::UnsyncedWatcherCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return unsynced_.size();
}

void WatchHub::WakeWorker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    wake_ = true;
  }
  worker_cv_.notify_one();
}

void WatchHub::AddSyncedLocked(Watcher* watcher) {
  watcher->synced = true;
  ++synced_count_;
  if (watcher->range.IsSingleKey()) {
    synced_by_key_[watcher->range.key()].insert(watcher);
  } else {
    synced_ranges_.insert(watcher);
  }
}

void WatchHub::RemoveSyncedLocked(Watcher* watcher) {
  watcher->synced = false;
  --synced_count_;
  if (!watcher->range.IsSingleKey()) {
    synced_ranges_.erase(watcher);
    return;
  }
  auto it = synced_by_key_.find(watcher->range.key());
  it->second.erase(watcher);
  if (it->second.empty()) synced_by_key_.erase(it);
}

void WatchHub::MakeUnsyncedLocked(Watcher* watcher, int64_t next_rev) {
  std::shared_ptr<Watcher> owner = watcher->stream->watchers_.at(watcher->id);
  if (watcher->synced) RemoveSyncedLocked(watcher);
  watcher->next_rev = next_rev;
  unsynced_.emplace(watcher, std::move(owner));
  wake_ = true;
  worker_cv_.notify_one();
}

void WatchHub::AddWatcherLocked(const std::shared_ptr<Watcher>& watcher) {
  const int64_t start = watcher->next_rev;
  if (start == 0 || start > current_revision_) {
    watcher->next_rev = std::max(start, current_revision_ + 1);
    AddSyncedLocked(watcher.get());
  } else {
    MakeUnsyncedLocked(watcher.get(), start);
  }
}

void WatchHub::RemoveWatcherLocked(Watcher* watcher) {
  if (watcher->synced) {
    RemoveSyncedLocked(watcher);
  } else {
    unsynced_.erase(watcher);
  }
  watcher->removed = true;
}

void WatchHub::MatchSyncedLocked(const std::string& key, std::vector<Watcher*>* out) const {
  auto it = synced_by_key_.find(key);
  if (it != synced_by_key_.end()) out->insert(out->end(), it->second.begin(), it->second.end());
  for (Watcher* watcher : synced_ranges_) {
    if (watcher->range.Contains(key)) out->push_back(watcher);
  }
}

namespace {

// The events of `all` at `indices`, shared by every watcher that wants exactly those.
std::shared_ptr<const SharedEvents> MakeSharedEvents(const std::vector<mvccpb::Event>& all,
                                                     const std::vector<uint32_t>& indices) {
  auto shared = std::make_shared<SharedEvents>();
  etcdserverpb::WatchResponse only_events;
  for (uint32_t index : indices) {
    mvccpb::Event* event = only_events.add_events();
    *event = all[index];
    event->clear_prev_kv();
  }
  shared->wire = only_events.SerializeAsString();
  shared->events.assign(only_events.events().begin(), only_events.events().end());
  return shared;
}

}  // namespace

void WatchHub::OnCommit(int64_t revision, const std::vector<mvccpb::Event>& events) {
  std::lock_guard<std::mutex> lock(mu_);
  current_revision_ = revision;
  if (events.size() == 1) {
    OnSingleEventCommitLocked(revision, events);
    return;
  }
  // Per watcher, the indices of the events it wants, in the revision's order.
  std::unordered_map<Watcher*, std::vector<uint32_t>> wanted;
  std::vector<Watcher*> order;
  std::vector<Watcher*> matched;
  for (uint32_t i = 0; i < events.size(); ++i) {
    matched.clear();
    MatchSyncedLocked(events[i].kv().key(), &matched);
    for (Watcher* watcher : matched) {
      if (revision < watcher->next_rev || !watcher->Wants(events[i])) continue;
      auto [it, inserted] = wanted.try_emplace(watcher);
      if (inserted) order.push_back(watcher);
      it->second.push_back(i);
    }
  }
  // Watchers wanting the same events share one copy (usually all of them: a
  // revision is mostly one put).
  std::map<std::vector<uint32_t>, std::shared_ptr<const SharedEvents>> shared_by_indices;
  for (Watcher* watcher : order) {
    const std::vector<uint32_t>& indices = wanted[watcher];
    std::shared_ptr<const SharedEvents> shared;
    if (!watcher->prev_kv && !watcher->fragment) {
      std::shared_ptr<const SharedEvents>& slot = shared_by_indices[indices];
      if (!slot) slot = MakeSharedEvents(events, indices);
      shared = slot;
    }
    PushCommittedLocked(watcher, revision, events, indices, std::move(shared));
  }
}

void WatchHub::PushCommittedLocked(Watcher* watcher, int64_t revision,
                                   const std::vector<mvccpb::Event>& events,
                                   const std::vector<uint32_t>& indices,
                                   std::shared_ptr<const SharedEvents> shared) {
  if (shared != nullptr && !watcher->prev_kv && !watcher->fragment) {
    if (!watcher->stream->TryPushShared(*watcher, revision, std::move(shared))) {
      MakeUnsyncedLocked(watcher, revision);
    }
    return;
  }
  etcdserverpb::WatchResponse response;
  response.mutable_header()->set_revision(revision);
  response.set_watch_id(watcher->id);
  if (watcher->prev_kv || watcher->fragment) {
    // Filled in (prev_kv) or split per watcher later: its own copy.
    for (uint32_t index : indices) *response.add_events() = events[index];
    shared = nullptr;
  }
  if (!watcher->stream->TryPushEvents(*watcher, std::move(response), std::move(shared))) {
    // The client is slow: stop pushing, let the worker replay from history.
    MakeUnsyncedLocked(watcher, revision);
  }
}

// Most revisions are one put: every matching watcher wants that one event, so
// there is nothing to group by.
void WatchHub::OnSingleEventCommitLocked(int64_t revision,
                                         const std::vector<mvccpb::Event>& events) {
  static const std::vector<uint32_t> kOnlyEvent = {0};
  std::vector<Watcher*> matched;
  MatchSyncedLocked(events[0].kv().key(), &matched);
  std::shared_ptr<const SharedEvents> shared;
  for (Watcher* watcher : matched) {
    if (revision < watcher->next_rev || !watcher->Wants(events[0])) continue;
    if (!shared) shared = MakeSharedEvents(events, kOnlyEvent);
    PushCommittedLocked(watcher, revision, events, kOnlyEvent, shared);
  }
}

void WatchHub::OnRestore(int64_t revision) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Watcher*> synced;
  for (auto& [key, set] : synced_by_key_) synced.insert(synced.end(), set.begin(), set.end());
  synced.insert(synced.end(), synced_ranges_.begin(), synced_ranges_.end());
  for (Watcher* watcher : synced) {
    MakeUnsyncedLocked(watcher, std::max(watcher->next_rev, current_revision_ + 1));
  }
  current_revision_ = revision;
}

// ---------------------------------------------------------------------------
// Catch-up worker

struct WatchHub::CatchUpRead {
  std::shared_ptr<Watcher> watcher;
  int64_t from = 0;
  int64_t to = 0;
  absl::StatusOr<std::vector<mvccpb::Event>> events;
};

void WatchHub::CatchUpLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (unsynced_.empty()) {
      worker_cv_.wait(lock, [this] { return stopping_ || wake_; });
      wake_ = false;
      continue;
    }
    wake_ = false;
    lock.unlock();
    const bool progressed = CatchUpRound();
    lock.lock();
    if (!progressed && !stopping_) {
      worker_cv_.wait_for(lock, absl::ToChronoNanoseconds(options_.catchup_retry_interval),
                          [this] { return stopping_ || wake_; });
    }
  }
}

bool WatchHub::CatchUpRound() {
  std::vector<CatchUpRead> reads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [raw, owner] : unsynced_) {
      if (reads.size() >= options_.max_watchers_per_catchup_round) break;
      CatchUpRead read;
      read.watcher = owner;
      read.from = raw->next_rev;
      read.to = std::min(current_revision_, read.from + options_.max_revisions_per_catchup - 1);
      reads.push_back(std::move(read));
    }
  }
  // Storage reads happen without the hub lock so OnCommit is never delayed.
  // Watchers of one range that fell behind together (a stream's buffer filled
  // up) need the same revisions: each distinct read is done once.
  std::map<std::tuple<std::string, std::string, int64_t, int64_t>, const CatchUpRead*> done;
  for (CatchUpRead& read : reads) {
    if (read.from > read.to) {
      read.events = std::vector<mvccpb::Event>();
      continue;
    }
    auto [it, first] =
        done.try_emplace(std::make_tuple(read.watcher->range.key(), read.watcher->range.range_end(),
                                         read.from, read.to),
                         &read);
    read.events =
        first ? source_->Events(read.from, read.to, read.watcher->range) : it->second->events;
  }
  bool progressed = false;
  std::lock_guard<std::mutex> lock(mu_);
  for (const CatchUpRead& read : reads) progressed |= ApplyCatchUpLocked(read);
  return progressed;
}

bool WatchHub::ApplyCatchUpLocked(const CatchUpRead& read) {
  Watcher* watcher = read.watcher.get();
  // Canceled, or already advanced by someone else: the read is stale.
  if (watcher->removed || watcher->synced || watcher->next_rev != read.from) return false;
  WatchStream* stream = watcher->stream;
  if (!read.events.ok()) {
    if (read.events.status().code() != absl::StatusCode::kOutOfRange) return false;
    etcdserverpb::WatchResponse response;
    response.mutable_header()->set_revision(current_revision_);
    response.set_watch_id(watcher->id);
    response.set_canceled(true);
    response.set_compact_revision(std::max<int64_t>(source_->CompactRevision(), 1));
    response.set_cancel_reason(kCompactedReason);
    if (!stream->TryPushEvents(*watcher, std::move(response))) return false;
    const int64_t id = watcher->id;
    RemoveWatcherLocked(watcher);
    stream->watchers_.erase(id);
    return true;
  }
  etcdserverpb::WatchResponse response;
  for (const mvccpb::Event& event : *read.events) {
    if (watcher->Wants(event)) *response.add_events() = event;
  }
  if (response.events_size() > 0) {
    response.mutable_header()->set_revision(read.to);
    response.set_watch_id(watcher->id);
    if (!stream->TryPushEvents(*watcher, std::move(response))) return false;
  }
  // max(): a watcher restored ahead of a smaller store revision keeps its place.
  watcher->next_rev = std::max(watcher->next_rev, read.to + 1);
  if (watcher->next_rev > current_revision_) {
    auto owner = unsynced_.find(watcher);
    std::shared_ptr<Watcher> keep = std::move(owner->second);
    unsynced_.erase(owner);
    AddSyncedLocked(watcher);
  }
  return true;
}

// ---------------------------------------------------------------------------
// WatchStream

WatchStream::~WatchStream() { Close(); }

int64_t WatchStream::PickWatchIdLocked() {
  while (watchers_.count(next_watch_id_) != 0) ++next_watch_id_;
  return next_watch_id_++;
}

absl::StatusOr<int64_t> WatchStream::Create(const etcdserverpb::WatchCreateRequest& request) {
  WaitForControlRoom();
  std::lock_guard<std::mutex> lock(hub_->mu_);
  etcdserverpb::WatchResponse response;
  response.mutable_header()->set_revision(hub_->current_revision_);
  response.set_created(true);

  absl::StatusOr<KeyRange> range = KeyRange::FromRequest(request.key(), request.range_end());
  absl::Status error = range.status();
  if (error.ok() && request.watch_id() != 0 && watchers_.count(request.watch_id()) != 0) {
    error = absl::AlreadyExistsError(kDuplicateIdReason);
  }
  if (!error.ok()) {
    response.set_watch_id(kInvalidWatchId);
    response.set_canceled(true);
    response.set_cancel_reason(std::string(error.message()));
    PushControl(std::move(response));
    return error;
  }

  auto watcher = std::make_shared<Watcher>(*range);
  watcher->id = request.watch_id() != 0 ? request.watch_id() : PickWatchIdLocked();
  watcher->stream = this;
  watcher->prev_kv = request.prev_kv();
  watcher->progress_notify = request.progress_notify();
  watcher->fragment = request.fragment();
  for (int filter : request.filters()) {
    if (filter == etcdserverpb::WatchCreateRequest::NOPUT) watcher->no_put = true;
    if (filter == etcdserverpb::WatchCreateRequest::NODELETE) watcher->no_delete = true;
  }
  watcher->next_rev = request.start_revision() > 0 ? request.start_revision() : 0;

  // "created" is queued before registration so it precedes every event.
  response.set_watch_id(watcher->id);
  PushControl(std::move(response));
  watchers_[watcher->id] = watcher;
  hub_->AddWatcherLocked(watcher);
  return watcher->id;
}

absl::Status WatchStream::Cancel(int64_t watch_id) {
  WaitForControlRoom();
  std::lock_guard<std::mutex> lock(hub_->mu_);
  auto it = watchers_.find(watch_id);
  if (it == watchers_.end()) return absl::NotFoundError(kNoSuchWatcherReason);
  hub_->RemoveWatcherLocked(it->second.get());
  watchers_.erase(it);
  etcdserverpb::WatchResponse response;
  response.mutable_header()->set_revision(hub_->current_revision_);
  response.set_watch_id(watch_id);
  response.set_canceled(true);
  PushControl(std::move(response));
  return absl::OkStatus();
}

void WatchStream::RequestProgress() {
  WaitForControlRoom();
  std::lock_guard<std::mutex> lock(hub_->mu_);
  // Never claim a revision some watch of this stream has not received yet.
  int64_t revision = hub_->current_revision_;
  for (const auto& [id, watcher] : watchers_) {
    if (!watcher->synced) revision = std::min(revision, watcher->next_rev - 1);
  }
  etcdserverpb::WatchResponse response;
  response.mutable_header()->set_revision(revision);
  response.set_watch_id(kInvalidWatchId);
  PushControl(std::move(response));
}

void WatchStream::TickProgress() {
  std::lock_guard<std::mutex> lock(hub_->mu_);
  for (const auto& [id, watcher] : watchers_) {
    if (!watcher->progress_notify) continue;
    const bool idle = !watcher->sent_since_progress_tick;
    watcher->sent_since_progress_tick = false;
    if (!idle || !watcher->synced) continue;
    etcdserverpb::WatchResponse response;
    response.mutable_header()->set_revision(hub_->current_revision_);
    response.set_watch_id(id);
    // A full buffer already carries fresher news than a progress note.
    TryPushEvents(*watcher, std::move(response));
  }
}

void WatchStream::WaitForControlRoom() {
  std::unique_lock<std::mutex> lock(queue_mu_);
  queue_cv_.wait(lock, [this] { return closed_ || buffered_control_ < kControlBufferResponses; });
}

void WatchStream::PushControl(etcdserverpb::WatchResponse response) {
  std::lock_guard<std::mutex> lock(queue_mu_);
  if (closed_) return;
  Outgoing outgoing;
  outgoing.response = std::move(response);
  queue_.push_back(std::move(outgoing));
  ++buffered_control_;
  NotifyReadyLocked();
}

bool WatchStream::TryPushEvents(Watcher& watcher, etcdserverpb::WatchResponse response,
                                std::shared_ptr<const SharedEvents> shared) {
  std::lock_guard<std::mutex> lock(queue_mu_);
  if (closed_) return true;  // nobody will read it; drop silently
  if (buffered_events_ >= hub_->options_.stream_buffer_responses) {
    starved_ = true;
    return false;
  }
  const bool has_events = response.events_size() > 0 || shared != nullptr;
  Outgoing outgoing;
  outgoing.response = std::move(response);
  outgoing.shared_events = std::move(shared);
  outgoing.counts_against_buffer = true;
  outgoing.fragment = watcher.fragment;
  if (watcher.prev_kv) {
    outgoing.fill_prev_kv = true;
  } else {
    for (mvccpb::Event& event : *outgoing.response.mutable_events()) event.clear_prev_kv();
  }
  queue_.push_back(std::move(outgoing));
  ++buffered_events_;
  if (has_events) watcher.sent_since_progress_tick = true;
  NotifyReadyLocked();
  return true;
}

bool WatchStream::TryPushShared(Watcher& watcher, int64_t revision,
                                std::shared_ptr<const SharedEvents> shared) {
  std::lock_guard<std::mutex> lock(queue_mu_);
  if (closed_) return true;  // nobody will read it; drop silently
  if (buffered_events_ >= hub_->options_.stream_buffer_responses) {
    starved_ = true;
    return false;
  }
  // Built in place: this runs once per watcher under the hub lock.
  Outgoing& outgoing = queue_.emplace_back();
  outgoing.response.mutable_header()->set_revision(revision);
  outgoing.response.set_watch_id(watcher.id);
  outgoing.shared_events = std::move(shared);
  outgoing.counts_against_buffer = true;
  ++buffered_events_;
  watcher.sent_since_progress_tick = true;
  NotifyReadyLocked();
  return true;
}

WatchStream::Outgoing WatchStream::TakeFrontLocked(bool* wake_hub) {
  Outgoing outgoing = std::move(queue_.front());
  queue_.pop_front();
  if (outgoing.counts_against_buffer) {
    --buffered_events_;
  } else {
    --buffered_control_;
  }
  *wake_hub = starved_;
  starved_ = false;
  queue_cv_.notify_all();
  return outgoing;
}

WatchStream::PopResult WatchStream::Deliver(Outgoing outgoing, bool wake_hub,
                                            etcdserverpb::WatchResponse* response, bool* fragment) {
  if (wake_hub) hub_->WakeWorker();
  if (outgoing.shared_events != nullptr) {
    for (const mvccpb::Event& event : outgoing.shared_events->events) {
      *outgoing.response.add_events() = event;
    }
  }
  if (outgoing.fill_prev_kv) FillPrevKv(&outgoing.response);
  *response = std::move(outgoing.response);
  *fragment = outgoing.fragment;
  return PopResult::kResponse;
}

WatchStream::PopResult WatchStream::Pop(absl::Time deadline, etcdserverpb::WatchResponse* response,
                                        bool* fragment, bool* more_queued) {
  Outgoing outgoing;
  bool wake_hub = false;
  {
    std::unique_lock<std::mutex> lock(queue_mu_);
    const auto ready = [this] { return closed_ || !queue_.empty(); };
    if (deadline == absl::InfiniteFuture()) {
      queue_cv_.wait(lock, ready);
    } else if (!queue_cv_.wait_for(lock, absl::ToChronoNanoseconds(deadline - absl::Now()),
                                   ready)) {
      return PopResult::kTimeout;
    }
    if (queue_.empty()) return PopResult::kClosed;
    outgoing = TakeFrontLocked(&wake_hub);
    if (more_queued != nullptr) *more_queued = !queue_.empty();
  }
  return Deliver(std::move(outgoing), wake_hub, response, fragment);
}

WatchStream::PopResult WatchStream::TryPopBatch(size_t max_responses,
                                                std::vector<PoppedResponse>* batch) {
  std::vector<Outgoing> taken;
  bool wake_hub = false;
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    if (queue_.empty()) {
      if (closed_) return PopResult::kClosed;
      ready_armed_ = true;
      return PopResult::kTimeout;
    }
    // Moving responses is not free: no reallocation for a stream's burst.
    taken.reserve(std::min(max_responses, queue_.size()));
    // A control response travels alone so it keeps its place between events.
    do {
      bool starved = false;
      taken.push_back(TakeFrontLocked(&starved));
      wake_hub |= starved;
    } while (taken.back().counts_against_buffer && taken.size() < max_responses &&
             !queue_.empty() && queue_.front().counts_against_buffer);
  }
  if (wake_hub) hub_->WakeWorker();
  batch->reserve(batch->size() + taken.size());
  for (Outgoing& outgoing : taken) {
    if (outgoing.fill_prev_kv) FillPrevKv(&outgoing.response);
    PoppedResponse popped;
    popped.response = std::move(outgoing.response);
    popped.shared_events = std::move(outgoing.shared_events);
    popped.fragment = outgoing.fragment;
    batch->push_back(std::move(popped));
  }
  return PopResult::kResponse;
}

void WatchStream::SetReadyCallback(std::function<void()> callback) {
  std::lock_guard<std::mutex> lock(queue_mu_);
  ready_callback_ = std::move(callback);
}

bool WatchStream::HasControlRoom() {
  std::lock_guard<std::mutex> lock(queue_mu_);
  return closed_ || buffered_control_ < kControlBufferResponses;
}

void WatchStream::NotifyReadyLocked() {
  queue_cv_.notify_all();
  if (!ready_armed_ || !ready_callback_) return;
  ready_armed_ = false;
  ready_callback_();
}

void WatchStream::FillPrevKv(etcdserverpb::WatchResponse* response) {
  for (mvccpb::Event& event : *response->mutable_events()) {
    if (event.has_prev_kv() || IsCreateEvent(event)) continue;
    std::optional<mvccpb::KeyValue> previous =
        hub_->source_->ValueAt(event.kv().key(), event.kv().mod_revision() - 1);
    if (previous.has_value()) *event.mutable_prev_kv() = std::move(*previous);
  }
}

void WatchStream::Close() {
  {
    std::lock_guard<std::mutex> lock(hub_->mu_);
    for (auto& [id, watcher] : watchers_) hub_->RemoveWatcherLocked(watcher.get());
    watchers_.clear();
  }
  std::lock_guard<std::mutex> lock(queue_mu_);
  closed_ = true;
  NotifyReadyLocked();
}

}  // namespace raftkv::server::watch
