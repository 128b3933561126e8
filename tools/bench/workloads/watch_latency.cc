// watch-latency: Prepare opens --watchers watch streams (spread over the
// connections) on one key prefix and waits until all are created. Each op puts
// a random key under that prefix, stamping the send time into the value; every
// watcher records now - stamp for each event it receives ("event" latency),
// so the report shows put-to-event latency over all watchers.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <random>
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

// Event latencies from all watchers (callback threads) go into one histogram.
struct EventSink {
  std::mutex mu;
  LatencyHistogram latency;
  std::atomic<int64_t> events{0};
  std::condition_variable changed;  // on watcher creation and on events
  int created = 0;
};

using WatchReactor =
    grpc::ClientBidiReactor<etcdserverpb::WatchRequest, etcdserverpb::WatchResponse>;

class WatcherStream : public WatchReactor {
 public:
  WatcherStream(etcdserverpb::Watch::Stub* stub, EventSink* sink) : sink_(sink) {
    auto* create = request_.mutable_create_request();
    create->set_key(kWatchPrefix);
    create->set_range_end(PrefixRangeEnd(kWatchPrefix));
    stub->async()->Watch(&context_, this);
    StartWrite(&request_);
    StartRead(&response_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // stream ended; OnDone follows
    if (response_.created()) {
      std::lock_guard<std::mutex> lock(sink_->mu);
      ++sink_->created;
      sink_->changed.notify_all();
    }
    RecordEvents();
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
    finished_cv_.wait_for(lock, std::chrono::seconds(5), [this] { return finished_; });
  }

 private:
  void RecordEvents() {
    if (response_.events_size() == 0) return;
    const int64_t now = NowNanos();
    std::lock_guard<std::mutex> lock(sink_->mu);
    for (const auto& event : response_.events()) {
      const std::string& value = event.kv().value();
      int64_t stamp = 0;
      if (value.size() < sizeof(stamp)) continue;
      std::memcpy(&stamp, value.data(), sizeof(stamp));
      sink_->latency.Record(now - stamp);
      sink_->events.fetch_add(1, std::memory_order_relaxed);
    }
    sink_->changed.notify_all();
  }

  EventSink* sink_;
  grpc::ClientContext context_;
  etcdserverpb::WatchRequest request_;
  etcdserverpb::WatchResponse response_;
  std::mutex mu_;
  std::condition_variable finished_cv_;
  bool finished_ = false;
};

class WatchLatencyWorkload : public Workload {
 public:
  explicit WatchLatencyWorkload(const WorkloadEnv& env)
      : env_(env),
        keys_(kWatchPrefix, env.options->key_size, env.options->key_space,
              std::max<int>(env.options->val_size, sizeof(int64_t))) {
    for (int c = 0; c < env.options->clients; ++c) rngs_.emplace_back(c + 1);
  }

  absl::Status Prepare() override {
    const int watchers = env_.options->watchers;
    for (int w = 0; w < watchers; ++w) {
      // Offset by one so watchers and the first client do not all share a connection.
      Connection& conn = env_.pool->ForClient(w + 1);
      watchers_.push_back(std::make_unique<WatcherStream>(conn.watch.get(), &sink_));
    }
    std::unique_lock<std::mutex> lock(sink_.mu);
    if (!sink_.changed.wait_for(lock, std::chrono::seconds(30),
                                [&] { return sink_.created >= watchers; })) {
      return absl::DeadlineExceededError(
          absl::StrCat("only ", sink_.created, " of ", watchers, " watchers were created"));
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
    Connection& conn = env_.pool->ForClient(ticket.client);
    conn.kv->async()->Put(&call->context, &call->request, &call->response,
                          call->Completion([this, done = std::move(done)](const absl::Status& s) {
                            if (s.ok()) puts_acked_.fetch_add(1);
                            done(s);
                          }));
  }

  void Finish() override {
    // Events of the last acknowledged puts may still be in flight; wait for
    // them (bounded) so events_received can be checked against puts x watchers.
    const int64_t expected = puts_acked_.load() * env_.options->watchers;
    {
      std::unique_lock<std::mutex> lock(sink_.mu);
      sink_.changed.wait_for(lock, std::chrono::seconds(5),
                             [&] { return sink_.events.load() >= expected; });
    }
    for (auto& watcher : watchers_) watcher->Close();
  }

  std::map<std::string, LatencyHistogram> ExtraLatencies() const override {
    std::lock_guard<std::mutex> lock(sink_.mu);
    return {{"put-to-event", sink_.latency}};
  }

  std::map<std::string, int64_t> Counters() const override {
    return {{"events_received", sink_.events.load()},
            {"events_expected", puts_acked_.load() * env_.options->watchers},
            {"watchers", env_.options->watchers}};
  }

 private:
  WorkloadEnv env_;
  KeyValueSource keys_;
  std::vector<std::mt19937_64> rngs_;
  mutable EventSink sink_;
  std::atomic<int64_t> puts_acked_{0};
  std::vector<std::unique_ptr<WatcherStream>> watchers_;
};

}  // namespace

std::unique_ptr<Workload> MakeWatchLatencyWorkload(const WorkloadEnv& env) {
  return std::make_unique<WatchLatencyWorkload>(env);
}

}  // namespace raftkv::bench
