#include "tools/bench/closed_loop_driver.h"

namespace raftkv::bench {

using Clock = std::chrono::steady_clock;

namespace {
constexpr int kIdle = 0;
constexpr int kStarting = 1;
constexpr int kDoneWhileStarting = 2;
}  // namespace

double RunResult::OpsPerSecond() const {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  return seconds > 0 ? static_cast<double>(ops) / seconds : 0.0;
}

ClosedLoopDriver::ClosedLoopDriver(Workload& workload, const RunLimits& limits)
    : workload_(workload), limits_(limits), clients_(std::max(1, limits.clients)) {}

RunResult ClosedLoopDriver::Run() {
  start_ = Clock::now();
  deadline_ = start_ + absl::ToChronoNanoseconds(limits_.duration);
  running_clients_ = static_cast<int>(clients_.size());
  if (limits_.rate > 0) pacer_ = std::make_unique<OpPacer>();
  for (int c = 0; c < static_cast<int>(clients_.size()); ++c) IssueNext(c);
  {
    std::unique_lock<std::mutex> lock(mu_);
    all_finished_.wait(lock, [this] { return running_clients_ == 0; });
  }
  pacer_.reset();
  RunResult result;
  for (const auto& client : clients_) {
    result.latency.Merge(client.latency);
    result.ops += client.ops;
    result.errors += client.errors;
  }
  result.first_error = first_error_;
  result.elapsed = absl::Nanoseconds(last_done_ns_.load());
  return result;
}

std::chrono::steady_clock::time_point ClosedLoopDriver::DueTime(int64_t seq) const {
  return start_ + std::chrono::nanoseconds(static_cast<int64_t>(seq * 1e9 / limits_.rate));
}

bool ClosedLoopDriver::ClaimNextOp(int64_t& seq) {
  if (total_errors_.load(std::memory_order_relaxed) >= limits_.max_errors) return false;
  if (limits_.total > 0) {
    seq = next_seq_.fetch_add(1);
    return seq < limits_.total;
  }
  if (Clock::now() >= deadline_) return false;
  seq = next_seq_.fetch_add(1);
  // A paced op due after the deadline would stretch the run.
  return limits_.rate <= 0 || DueTime(seq) < deadline_;
}

// A workload may complete an op inside StartOp (e.g. a broken stream fails
// at once). Chaining the next op from that completion would recurse without
// bound, so such a completion only marks the phase and this loop issues the
// next op instead.
void ClosedLoopDriver::IssueNext(int client) {
  while (true) {
    int64_t seq = 0;
    if (!ClaimNextOp(seq)) {
      ClientFinished();
      return;
    }
    if (limits_.rate > 0 && DueTime(seq) > Clock::now()) {
      pacer_->Schedule(DueTime(seq), [this, client, seq] {
        if (Launch(client, seq)) IssueNext(client);
      });
      return;
    }
    if (!Launch(client, seq)) return;  // completes later
  }
}

bool ClosedLoopDriver::Launch(int client, int64_t seq) {
  ClientState& state = clients_[client];
  state.op_start = Clock::now();
  state.phase.store(kStarting);
  workload_.StartOp(OpTicket{client, seq},
                    [this, client](const absl::Status& status) { OnOpDone(client, status); });
  int expected = kStarting;
  return !state.phase.compare_exchange_strong(expected, kIdle);
}

void ClosedLoopDriver::OnOpDone(int client, const absl::Status& status) {
  const auto now = Clock::now();
  ClientState& state = clients_[client];
  if (status.ok()) {
    state.latency.Record(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - state.op_start).count());
    ++state.ops;
  } else {
    ++state.errors;
    if (total_errors_.fetch_add(1) == 0) {
      std::lock_guard<std::mutex> lock(mu_);
      first_error_ = status.ToString();
    }
  }
  const int64_t since_start =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now - start_).count();
  int64_t seen = last_done_ns_.load();
  while (since_start > seen && !last_done_ns_.compare_exchange_weak(seen, since_start)) {
  }
  int expected = kStarting;
  if (state.phase.compare_exchange_strong(expected, kDoneWhileStarting)) return;
  IssueNext(client);
}

void ClosedLoopDriver::ClientFinished() {
  std::lock_guard<std::mutex> lock(mu_);
  if (--running_clients_ == 0) all_finished_.notify_all();
}

}  // namespace raftkv::bench
