#include "tests/watchlease/resuming_watcher.h"

#include "absl/strings/str_cat.h"
#include "tests/cluster/member_rpc.h"

namespace raftkv::watchlease_test {

ResumingWatcher::ResumingWatcher(std::vector<std::string> endpoints, std::string prefix,
                                 int64_t start_revision)
    : endpoints_(std::move(endpoints)),
      prefix_(std::move(prefix)),
      first_revision_(start_revision) {
  thread_ = std::thread([this] { Run(); });
}

ResumingWatcher::~ResumingWatcher() {
  stop_ = true;
  thread_.join();
}

int64_t ResumingWatcher::NextRevision() const {
  std::vector<mvccpb::Event> events = Events();
  return events.empty() ? first_revision_ : events.back().kv().mod_revision() + 1;
}

bool ResumingWatcher::Connect(int64_t start_revision) {
  auto stream = std::make_unique<WatchStream>(endpoints_[endpoint_index_]);
  WatchSpec spec;
  spec.key = prefix_;
  spec.range_end = cluster_test::PrefixEnd(prefix_);
  spec.start_revision = start_revision;
  auto id = stream->Watch(spec, std::chrono::seconds(2));
  if (!id.ok()) return false;
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(stream);
  current_watch_id_ = *id;
  return true;
}

void ResumingWatcher::Run() {
  bool first = true;
  while (!stop_) {
    if (!Connect(NextRevision())) {
      endpoint_index_ = (endpoint_index_ + 1) % endpoints_.size();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (!first) ++resumes_;
    first = false;
    // A server-side cancel (e.g. compacted) ends this watch as surely as a dead member.
    while (!stop_ && !current_->WaitUntilBroken(std::chrono::milliseconds(50)) &&
           current_->Canceled().empty()) {
    }
    // Keep what the broken stream delivered, then resume elsewhere from the next one.
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, reason] : current_->Canceled()) {
      cancellations_.push_back(absl::StrCat(current_->endpoint(), " watch ", id, ": ", reason));
    }
    std::vector<mvccpb::Event> delivered = current_->Events(current_watch_id_);
    finished_.insert(finished_.end(), delivered.begin(), delivered.end());
    current_.reset();
    endpoint_index_ = (endpoint_index_ + 1) % endpoints_.size();
  }
}

std::vector<mvccpb::Event> ResumingWatcher::Events() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<mvccpb::Event> events = finished_;
  if (current_) {
    std::vector<mvccpb::Event> live = current_->Events(current_watch_id_);
    events.insert(events.end(), live.begin(), live.end());
  }
  return events;
}

bool ResumingWatcher::WaitForRevision(int64_t revision, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    std::vector<mvccpb::Event> events = Events();
    if (!events.empty() && events.back().kv().mod_revision() >= revision) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::vector<std::string> ResumingWatcher::Cancellations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cancellations_;
}

}  // namespace raftkv::watchlease_test
