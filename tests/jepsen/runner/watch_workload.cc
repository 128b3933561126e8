#include "tests/jepsen/runner/watch_workload.h"

#include "absl/strings/str_cat.h"
#include "client/kv.h"
#include "tests/jepsen/runner/workload_clients.h"
#include "tests/watchlease/event_history.h"

namespace raftkv::jepsen {

WatchWorkload::~WatchWorkload() {
  Stop();
  for (Watch& watch : watches_) {
    if (watch.handle) watch.handle->Cancel();
  }
}

absl::Status WatchWorkload::Start() {
  for (int member = 0; member < cluster_->size(); ++member) {
    auto connected = ConnectToMember(*cluster_, member, options_.op_timeout);
    if (!connected.ok()) return connected.status();
    writer_clients_.push_back(std::move(*connected));
  }
  auto revision = PutUntilOk(options_.prefix + "start", std::chrono::seconds(10));
  if (!revision.ok()) return revision.status();
  start_revision_ = *revision;
  for (int member = 0; member < cluster_->size(); ++member) {
    Watch watch;
    auto connected = ConnectWithFailover(*cluster_, member, options_.op_timeout);
    if (!connected.ok()) return connected.status();
    watch.client = std::move(*connected);
    watch.seen = std::make_unique<Seen>();
    client::WatchOptions watch_options;
    watch_options.range.prefix = true;
    watch_options.start_revision = start_revision_;
    Seen* seen = watch.seen.get();
    watch.handle = watch.client->watcher().Watch(
        options_.prefix, watch_options, [seen](const client::WatchResponse& response) {
          std::lock_guard<std::mutex> lock(seen->mu);
          for (const mvccpb::Event& event : response.events) {
            seen->events.push_back(event);
            seen->last_revision = event.kv().mod_revision();
          }
          if (response.Terminal()) {
            seen->cancellations.push_back(
                absl::StrCat("canceled=", response.canceled, " reason=\"", response.cancel_reason,
                             "\" compact_revision=", response.compact_revision));
          }
          seen->changed.notify_all();
        });
    if (!watch.handle->WaitCreated(std::chrono::seconds(10))) {
      return absl::UnavailableError(absl::StrCat("watch via m", member, " was not created"));
    }
    watches_.push_back(std::move(watch));
  }
  for (int t = 0; t < options_.writers; ++t) writers_.emplace_back([this, t] { RunWriter(t); });
  return absl::OkStatus();
}

void WatchWorkload::Stop() {
  stop_ = true;
  for (std::thread& writer : writers_) writer.join();
  writers_.clear();
}

void WatchWorkload::RunWriter(int thread) {
  client::Client& client = *writer_clients_[thread % writer_clients_.size()];
  for (int64_t n = 0; !stop_; ++n) {
    // Errors are expected while a fault is active; what counts is what got committed.
    if (client.kv()
            .Put(absl::StrCat(options_.prefix, "w", thread, "-", n % 50), absl::StrCat(n))
            .ok()) {
      ++acknowledged_;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

absl::StatusOr<int64_t> WatchWorkload::PutUntilOk(const std::string& key,
                                                  std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  absl::Status last = absl::DeadlineExceededError("no attempt");
  for (int attempt = 0; std::chrono::steady_clock::now() < deadline; ++attempt) {
    auto put = writer_clients_[attempt % writer_clients_.size()]->kv().Put(key, "marker");
    if (put.ok()) return put->header().revision();
    last = put.status();
  }
  return absl::UnavailableError(absl::StrCat("no put of ", key, " succeeded: ", last.message()));
}

bool WatchWorkload::WaitForRevision(Seen& seen, int64_t revision,
                                    std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(seen.mu);
  return seen.changed.wait_for(lock, timeout, [&] { return seen.last_revision >= revision; });
}

absl::Status WatchWorkload::Verify(std::chrono::milliseconds timeout) {
  Stop();
  auto final_revision = PutUntilOk(options_.prefix + "final", timeout);
  if (!final_revision.ok()) return final_revision.status();
  auto expected = watchlease_test::ReadHistory(cluster_->ClientEndpoint(0), options_.prefix,
                                               start_revision_, *final_revision, timeout);
  if (!expected.ok()) return expected.status();
  std::string problems;
  for (size_t i = 0; i < watches_.size(); ++i) {
    Seen& seen = *watches_[i].seen;
    if (!WaitForRevision(seen, *final_revision, timeout)) {
      absl::StrAppend(&problems, "watcher ", i, " never reached revision ", *final_revision, "\n");
    }
    std::lock_guard<std::mutex> lock(seen.mu);
    const std::string difference = watchlease_test::DescribeDifference(seen.events, *expected);
    if (!difference.empty()) absl::StrAppend(&problems, "watcher ", i, ": ", difference, "\n");
    for (const std::string& cancel : seen.cancellations) {
      absl::StrAppend(&problems, "watcher ", i, " ended: ", cancel, "\n");
    }
  }
  if (!problems.empty()) return absl::DataLossError(problems);
  return absl::OkStatus();
}

std::string WatchWorkload::Summary() const {
  std::string out = absl::StrCat(acknowledged_.load(), " acknowledged puts; watcher resumes:");
  for (const Watch& watch : watches_) absl::StrAppend(&out, " ", watch.handle->Streams() - 1);
  return out;
}

WorkloadVerdict WatchWorkload::Check() {
  WorkloadVerdict verdict;
  absl::Status verified = Verify(options_.verify_timeout);
  verdict.ok = verified.ok();
  verdict.summary = Summary();
  verdict.details = verified.ok() ? "every watcher saw the prefix's history exactly once, in order"
                                  : std::string(verified.message());
  return verdict;
}

}  // namespace raftkv::jepsen
