#include "tests/jepsen/runner/lock_workload.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/kv.h"
#include "client/mutex.h"
#include "client/session.h"
#include "tests/jepsen/runner/workload_clients.h"
#include "tests/watchlease/event_history.h"

namespace raftkv::jepsen {
namespace {

constexpr char kInitialValue[] = "init";

}  // namespace

absl::Status LockWorkload::Start() {
  for (int holder = 0; holder < options_.holders; ++holder) {
    auto connected = ConnectToMember(*cluster_, holder % cluster_->size(), options_.op_timeout);
    if (!connected.ok()) return connected.status();
    clients_.push_back(std::move(*connected));
  }
  absl::Status last;
  for (int attempt = 0; attempt < 20 && start_revision_ == 0; ++attempt) {
    auto put = clients_[attempt % clients_.size()]->kv().Put(options_.protected_key, kInitialValue);
    if (put.ok()) start_revision_ = put->header().revision();
    last = put.status();
  }
  if (start_revision_ == 0) return last;
  for (int h = 0; h < options_.holders; ++h) threads_.emplace_back([this, h] { RunHolder(h); });
  return absl::OkStatus();
}

void LockWorkload::Stop() {
  stop_ = true;
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

void LockWorkload::RunHolder(int holder) {
  std::mt19937 rng(options_.seed * 15485863 + holder);
  client::Client& client = *clients_[holder];
  std::unique_ptr<client::Session> session;
  int64_t counter = 0;
  auto give_up_session = [&] {
    // Its keys (a queue entry, maybe the lock) expire with the TTL; revoking could hang on
    // a cut-off member.
    if (session) session->Orphan();
    session.reset();
    ++lock_errors_;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  };
  while (!stop_) {
    if (!session || session->Expired()) {
      if (session) session->Orphan();
      auto created = client::Session::Create(&client, options_.session_ttl_seconds);
      if (!created.ok()) {
        give_up_session();
        continue;
      }
      session = std::move(*created);
    }
    client::Mutex mutex(session.get(), options_.lock_name);
    if (!mutex.Lock(options_.lock_timeout).ok()) {
      give_up_session();
      continue;
    }
    ++acquisitions_;
    bool holding = true;
    for (int i = 0; i < options_.writes_per_hold && holding && !stop_; ++i) {
      holding = FencedPut(holder, client, mutex.key(), mutex.revision(),
                          absl::StrCat("h", holder, "-", ++counter));
      std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 100));
    }
    if (!holding || !mutex.Unlock().ok()) give_up_session();
  }
  if (session) session->Orphan();
}

bool LockWorkload::FencedPut(int holder, client::Client& client, const std::string& lock_key,
                             int64_t token, const std::string& value) {
  client::TxnBuilder txn;
  txn.If(client::Cmp::CreateRevision(lock_key, client::Cmp::EQUAL, token))
      .Then(client::Op::Put(options_.protected_key, value));
  auto response = client.kv().Txn(txn);
  FencedWrite write{value, token, holder, WriteOutcome(response.status()), 0};
  if (response.ok()) {
    write.outcome = response->succeeded() ? Outcome::kOk : Outcome::kFail;
    if (response->succeeded()) write.revision = response->header().revision();
  }
  std::lock_guard<std::mutex> lock(mu_);
  attempts_.push_back(write);
  return write.outcome == Outcome::kOk;
}

std::string LockWorkload::Summary() const {
  int counts[3] = {0, 0, 0};
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const FencedWrite& write : attempts_) ++counts[static_cast<int>(write.outcome)];
  }
  return absl::StrCat(acquisitions_.load(), " acquisitions, ", lock_errors_.load(),
                      " lock/session errors; fenced writes: ", counts[0], " accepted, ", counts[1],
                      " refused, ", counts[2], " unknown");
}

WorkloadVerdict LockWorkload::Check() {
  WorkloadVerdict verdict;
  verdict.summary = Summary();
  int64_t final_revision = 0;
  absl::Status last;
  for (int attempt = 0; attempt < 20 && final_revision == 0; ++attempt) {
    auto response = clients_[attempt % clients_.size()]->kv().Get(options_.protected_key);
    // The key's own last change: the replay below waits until it has seen that revision.
    if (response.ok() && response->kvs_size() > 0) final_revision = response->kvs(0).mod_revision();
    last = response.status();
  }
  if (final_revision == 0) {
    verdict.details = absl::StrCat("final read failed: ", last.ToString());
    return verdict;
  }
  // Nothing committed after the initial value when its revision is still the last one.
  auto events = final_revision <= start_revision_
                    ? absl::StatusOr<std::vector<mvccpb::Event>>(std::vector<mvccpb::Event>{})
                    : watchlease_test::ReadHistory(cluster_->ClientEndpoint(0),
                                                   options_.protected_key, start_revision_ + 1,
                                                   final_revision, std::chrono::seconds(20));
  if (!events.ok()) {
    verdict.details =
        absl::StrCat("reading the protected key's history failed: ", events.status().ToString());
    return verdict;
  }
  std::vector<CommittedWrite> committed;
  for (const mvccpb::Event& event : *events) {
    if (event.kv().key() != options_.protected_key) continue;
    committed.push_back({event.kv().mod_revision(), event.kv().value()});
  }
  std::vector<FencedWrite> attempts;
  {
    std::lock_guard<std::mutex> lock(mu_);
    attempts = attempts_;
  }
  FencingCheckResult checked = CheckFencing(attempts, committed);
  verdict.ok = checked.ok;
  verdict.details = checked.ok
                        ? absl::StrCat("ok: ", checked.committed, " committed writes from ",
                                       checked.tokens, " holds, fencing tokens never decrease")
                        : absl::StrCat("VIOLATION:\n  ", absl::StrJoin(checked.problems, "\n  "));
  return verdict;
}

}  // namespace raftkv::jepsen
