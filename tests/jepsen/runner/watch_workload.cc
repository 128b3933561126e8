#include "tests/jepsen/runner/watch_workload.h"

#include "absl/strings/str_cat.h"
#include "tests/watchlease/event_history.h"

namespace raftkv::jepsen {

absl::Status WatchWorkload::Start() {
  auto revision = PutUntilOk(options_.prefix + "start", std::chrono::seconds(10));
  if (!revision.ok()) return revision.status();
  start_revision_ = *revision;
  const std::vector<std::string> endpoints = cluster_->ClientEndpoints();
  for (int i = 0; i < cluster_->size(); ++i) {
    std::vector<std::string> rotated;
    for (size_t j = 0; j < endpoints.size(); ++j) {
      rotated.push_back(endpoints[(i + j) % endpoints.size()]);
    }
    watchers_.push_back(std::make_unique<watchlease_test::ResumingWatcher>(rotated, options_.prefix,
                                                                           start_revision_));
  }
  for (int t = 0; t < options_.writers; ++t) writers_.emplace_back([this, t] { RunWriter(t); });
  return absl::OkStatus();
}

void WatchWorkload::StopWriters() {
  stop_ = true;
  for (std::thread& writer : writers_) writer.join();
  writers_.clear();
}

void WatchWorkload::RunWriter(int thread) {
  const int member = thread % cluster_->size();
  for (int64_t n = 0; !stop_; ++n) {
    etcdserverpb::PutRequest request;
    request.set_key(absl::StrCat(options_.prefix, "w", thread, "-", n % 50));
    request.set_value(absl::StrCat(n));
    etcdserverpb::PutResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + options_.op_timeout);
    // Errors are expected while a fault is active; what counts is what got committed.
    if (cluster_->Kv(member).Put(&context, request, &response).ok()) ++acknowledged_;
  }
}

absl::StatusOr<int64_t> WatchWorkload::PutUntilOk(const std::string& key,
                                                  std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  grpc::Status last;
  for (int attempt = 0; std::chrono::steady_clock::now() < deadline; ++attempt) {
    etcdserverpb::PutRequest request;
    request.set_key(key);
    request.set_value("marker");
    etcdserverpb::PutResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + options_.op_timeout);
    last = cluster_->Kv(attempt % cluster_->size()).Put(&context, request, &response);
    if (last.ok()) return response.header().revision();
  }
  return absl::UnavailableError(
      absl::StrCat("no put of ", key, " succeeded: ", last.error_message()));
}

absl::Status WatchWorkload::Verify(std::chrono::milliseconds timeout) {
  StopWriters();
  auto final_revision = PutUntilOk(options_.prefix + "final", timeout);
  if (!final_revision.ok()) return final_revision.status();
  auto expected = watchlease_test::ReadHistory(cluster_->ClientEndpoint(0), options_.prefix,
                                               start_revision_, *final_revision, timeout);
  if (!expected.ok()) return expected.status();
  std::string problems;
  for (size_t i = 0; i < watchers_.size(); ++i) {
    watchlease_test::ResumingWatcher& watcher = *watchers_[i];
    if (!watcher.WaitForRevision(*final_revision, timeout)) {
      absl::StrAppend(&problems, "watcher ", i, " never reached revision ", *final_revision, "\n");
    }
    const std::string difference = watchlease_test::DescribeDifference(watcher.Events(), *expected);
    if (!difference.empty()) absl::StrAppend(&problems, "watcher ", i, ": ", difference, "\n");
    for (const std::string& cancel : watcher.Cancellations()) {
      absl::StrAppend(&problems, "watcher ", i, " cancelled: ", cancel, "\n");
    }
  }
  if (!problems.empty()) return absl::DataLossError(problems);
  return absl::OkStatus();
}

std::string WatchWorkload::Summary() const {
  std::string out = absl::StrCat(acknowledged_.load(), " acknowledged puts; watcher resumes:");
  for (const auto& watcher : watchers_) absl::StrAppend(&out, " ", watcher->resumes());
  return out;
}

}  // namespace raftkv::jepsen
