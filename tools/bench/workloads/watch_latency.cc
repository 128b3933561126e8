// watch-latency: Prepare opens --watchers watches on one key prefix,
// multiplexed --watchers_per_stream to a Watch stream (as clientv3 puts every
// watch of a client on one stream), the streams spread over the connections,
// and waits until all are created. Each op puts a random key under that prefix,
// stamping the send time into the value; every watch records now - stamp for
// each event it receives ("put-to-event" latency).
//
// Delivery is verified per watch: revisions must strictly increase (a repeated
// or older revision is a duplicate), and after the run every watch must have
// received one event per acknowledged put (fewer = lost events). Verify()
// fails the run on either.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/bench/key_value_source.h"
#include "tools/bench/workload_registry.h"
#include "tools/bench/workloads/unary_call.h"

namespace raftkv::bench {
namespace {

constexpr char kWatchPrefix[] = "bench-watch/";

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// What all streams report to the workload while running.
struct WatchProgress {
  std::mutex mu;
  std::condition_variable changed;  // on creations and (throttled) on events
  int created = 0;
  int canceled = 0;
  std::atomic<int64_t> events{0};
};

// One watch's delivery record.
struct WatchTally {
  int64_t received = 0;
  int64_t duplicated = 0;  // revision not above the previous one
  int64_t last_revision = 0;
};

using WatchReactor =
    grpc::ClientBidiReactor<etcdserverpb::WatchRequest, etcdserverpb::WatchResponse>;

// One Watch stream carrying `watches` watches of the prefix. gRPC runs at most
// one OnReadDone (and one OnWriteDone) of a reactor at a time, so the tallies
// and the histogram need no lock; they are read only after the stream is done.
class MultiWatchStream : public WatchReactor {
 public:
  MultiWatchStream(etcdserverpb::Watch::Stub* stub, int watches, WatchProgress* progress)
      : progress_(progress), creates_(watches) {
    for (auto& request : creates_) {
      auto* create = request.mutable_create_request();
      create->set_key(kWatchPrefix);
      create->set_range_end(PrefixRangeEnd(kWatchPrefix));
    }
    stub->async()->Watch(&context_, this);
    StartWrite(&creates_[0]);
    StartRead(&response_);
    StartCall();
  }

  void OnWriteDone(bool ok) override {
    // Creates go out one at a time: a reactor allows one write in flight.
    if (ok && ++next_create_ < creates_.size()) StartWrite(&creates_[next_create_]);
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // stream ended; OnDone follows
    if (response_.created() || response_.canceled()) NoteControl();
    if (response_.events_size() > 0) RecordEvents();
    StartRead(&response_);
  }

  void OnDone(const grpc::Status&) override {
    std::lock_guard<std::mutex> lock(mu_);
    finished_ = true;
    finished_cv_.notify_all();
  }

  void Close() {
    context_.TryCancel();
    std::unique_lock<std::mutex> lock(mu_);
    finished_cv_.wait_for(lock, std::chrono::seconds(10), [this] { return finished_; });
  }

  // Valid after Close().
  const std::unordered_map<int64_t, WatchTally>& tallies() const { return tallies_; }
  const LatencyHistogram& latency() const { return latency_; }
  int64_t unknown_watch_events() const { return unknown_watch_events_; }

 private:
  void NoteControl() {
    if (response_.created() && !response_.canceled()) tallies_[response_.watch_id()];
    std::lock_guard<std::mutex> lock(progress_->mu);
    if (response_.created()) ++progress_->created;
    if (response_.canceled()) ++progress_->canceled;
    progress_->changed.notify_all();
  }

  void RecordEvents() {
    const int64_t now = NowNanos();
    auto tally = tallies_.find(response_.watch_id());
    if (tally == tallies_.end()) {
      unknown_watch_events_ += response_.events_size();
      return;
    }
    for (const auto& event : response_.events()) {
      const int64_t revision = event.kv().mod_revision();
      if (revision <= tally->second.last_revision) {
        ++tally->second.duplicated;
        continue;
      }
      tally->second.last_revision = revision;
      ++tally->second.received;
      const std::string& value = event.kv().value();
      int64_t stamp = 0;
      if (value.size() < sizeof(stamp)) continue;
      std::memcpy(&stamp, value.data(), sizeof(stamp));
      latency_.Record(now - stamp);
    }
    progress_->events.fetch_add(response_.events_size(), std::memory_order_relaxed);
  }

  WatchProgress* progress_;
  grpc::ClientContext context_;
  std::vector<etcdserverpb::WatchRequest> creates_;
  size_t next_create_ = 0;
  etcdserverpb::WatchResponse response_;
  std::unordered_map<int64_t, WatchTally> tallies_;
  LatencyHistogram latency_;
  int64_t unknown_watch_events_ = 0;
  std::mutex mu_;
  std::condition_variable finished_cv_;
  bool finished_ = false;
};

// Totals over every watch after the run.
struct DeliveryTotals {
  int64_t received = 0;
  int64_t lost = 0;
  int64_t duplicated = 0;
  int watches = 0;
};

class WatchLatencyWorkload : public Workload {
 public:
  explicit WatchLatencyWorkload(const WorkloadEnv& env)
      : env_(env),
        keys_(kWatchPrefix, env.options->key_size, env.options->key_space,
              std::max<int>(env.options->val_size, sizeof(int64_t))) {
    for (int c = 0; c < env.options->clients; ++c) rngs_.emplace_back(c + 1);
  }

  // Streams still open (Prepare failed) must end before their channels go.
  ~WatchLatencyWorkload() override {
    for (auto& stream : streams_) stream->Close();
  }

  absl::Status Prepare() override {
    const int watchers = env_.options->watchers;
    const int per_stream = env_.options->watchers_per_stream;
    for (int first = 0, s = 0; first < watchers; first += per_stream, ++s) {
      // Offset by one so streams and the first client do not all share a connection.
      Connection& conn = env_.pool->ForClient(s + 1);
      streams_.push_back(std::make_unique<MultiWatchStream>(
          conn.watch.get(), std::min(per_stream, watchers - first), &progress_));
    }
    std::unique_lock<std::mutex> lock(progress_.mu);
    if (!progress_.changed.wait_for(lock, std::chrono::seconds(120),
                                    [&] { return progress_.created >= watchers; }) ||
        progress_.canceled > 0) {
      return absl::DeadlineExceededError(absl::StrCat("only ", progress_.created, " of ", watchers,
                                                      " watchers were created (",
                                                      progress_.canceled, " canceled)"));
    }
    return absl::OkStatus();
  }

  void StartOp(const OpTicket& ticket, OpDone done) override {
    auto call = std::make_shared<UnaryCall<etcdserverpb::PutRequest, etcdserverpb::PutResponse>>();
    call->request.set_key(keys_.RandomKey(rngs_[ticket.client]));
    std::string value = keys_.Value();
    const int64_t stamp = NowNanos();
    std::memcpy(value.data(), &stamp, sizeof(stamp));
    call->request.set_value(std::move(value));
    puts_sent_.fetch_add(1);
    Connection& conn = env_.pool->ForClient(ticket.client);
    conn.kv->async()->Put(&call->context, &call->request, &call->response,
                          call->Completion([this, done = std::move(done)](const absl::Status& s) {
                            if (s.ok()) puts_acked_.fetch_add(1);
                            done(s);
                          }));
  }

  void Finish() override {
    // Events of the last acknowledged puts may still be in flight; wait for
    // them (bounded, untimed) before closing the streams and counting.
    const int64_t expected = puts_acked_.load() * env_.options->watchers;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (progress_.events.load() < expected && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (auto& stream : streams_) stream->Close();
    totals_ = CountDelivery();
  }

  std::map<std::string, LatencyHistogram> ExtraLatencies() const override {
    LatencyHistogram all;
    for (const auto& stream : streams_) all.Merge(stream->latency());
    return {{"put-to-event", all}};
  }

  std::map<std::string, int64_t> Counters() const override {
    return {{"events_received", totals_.received},
            {"events_expected", puts_acked_.load() * env_.options->watchers},
            {"events_lost", totals_.lost},
            {"events_duplicated", totals_.duplicated},
            {"puts_sent", puts_sent_.load()},
            {"watchers", totals_.watches},
            {"watch_streams", static_cast<int64_t>(streams_.size())}};
  }

  absl::Status Verify() const override {
    if (totals_.lost == 0 && totals_.duplicated == 0 && totals_.watches == env_.options->watchers) {
      return absl::OkStatus();
    }
    return absl::DataLossError(
        absl::StrCat(totals_.lost, " events LOST and ", totals_.duplicated, " DUPLICATED over ",
                     totals_.watches, " of ", env_.options->watchers, " watchers (",
                     puts_acked_.load(), " puts acknowledged, ", puts_sent_.load(), " sent)"));
  }

 private:
  DeliveryTotals CountDelivery() const {
    DeliveryTotals totals;
    const int64_t acked = puts_acked_.load();
    const int64_t sent = puts_sent_.load();
    for (const auto& stream : streams_) {
      totals.duplicated += stream->unknown_watch_events();
      for (const auto& [id, tally] : stream->tallies()) {
        ++totals.watches;
        totals.received += tally.received;
        totals.duplicated += tally.duplicated;
        // A put that failed on the client may still have been committed, so
        // between acked and sent events per watch are fine.
        totals.lost += std::max<int64_t>(0, acked - tally.received);
        totals.duplicated += std::max<int64_t>(0, tally.received - sent);
      }
    }
    return totals;
  }

  WorkloadEnv env_;
  KeyValueSource keys_;
  std::vector<std::mt19937_64> rngs_;
  WatchProgress progress_;
  std::atomic<int64_t> puts_sent_{0};
  std::atomic<int64_t> puts_acked_{0};
  std::vector<std::unique_ptr<MultiWatchStream>> streams_;
  DeliveryTotals totals_;
};

}  // namespace

std::unique_ptr<Workload> MakeWatchLatencyWorkload(const WorkloadEnv& env) {
  return std::make_unique<WatchLatencyWorkload>(env);
}

}  // namespace raftkv::bench
