#include "tests/jepsen/runner/register_workload.h"

#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "client/kv.h"
#include "tests/jepsen/checker/check_report.h"
#include "tests/jepsen/checker/linearizability_checker.h"
#include "tests/jepsen/checker/register_model.h"
#include "tests/jepsen/runner/workload_clients.h"

namespace raftkv::jepsen {
namespace {

// An unrecorded empty string would look like nil; the empty value "" is never written.
constexpr char kNil[] = "";

}  // namespace

absl::Status RegisterWorkload::Start() {
  for (int member = 0; member < cluster_->size(); ++member) {
    auto connected = ConnectToMember(*cluster_, member, options_.op_timeout);
    if (!connected.ok()) return connected.status();
    clients_.push_back(std::move(*connected));
  }
  for (int t = 0; t < options_.threads; ++t) threads_.emplace_back([this, t] { RunClient(t); });
  return absl::OkStatus();
}

void RegisterWorkload::Stop() {
  stop_ = true;
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

void RegisterWorkload::RunClient(int thread) {
  std::mt19937 rng(options_.seed * 7919 + thread);
  client::Client& client = *clients_[thread % clients_.size()];
  // After an indeterminate op the process is "crashed" (its op may still land): continue
  // as a new process, as Jepsen does, so each process has at most one op open.
  int process = thread;
  int64_t counter = 0;
  std::map<std::string, std::string> last_seen;
  while (!stop_) {
    const std::string key =
        absl::StrCat(options_.key_prefix, "k", rng() % static_cast<unsigned>(options_.keys));
    const int dice = static_cast<int>(rng() % 4);
    const std::string value = absl::StrCat(thread, "-", ++counter);
    Outcome outcome;
    if (dice < 2) {
      outcome = Read(process, client, key, &last_seen[key]);
    } else if (dice == 2 || last_seen[key] == kNil) {
      outcome = Write(process, client, key, value);
    } else {
      outcome = Cas(process, client, key, last_seen[key], value);
    }
    if (outcome == Outcome::kInfo) process += options_.threads;
    // A down member refuses connections at once: back off so that a kill does not flood
    // the history with thousands of failed ops (which also slows the checker down).
    if (outcome != Outcome::kOk) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Outcome RegisterWorkload::Read(int process, client::Client& client, const std::string& key,
                               std::string* last_seen) {
  const int64_t id = history_.Invoke(process, key, OpType::kRead, {});
  client::GetOptions get;
  get.serializable = options_.serializable_reads;
  auto response = client.kv().Get(key, get);
  if (!response.ok()) {
    (void)history_.Complete(id, Outcome::kFail);
    return Outcome::kFail;
  }
  Value value;
  if (response->kvs_size() > 0) value = response->kvs(0).value();
  *last_seen = value.value_or(kNil);
  (void)history_.Complete(id, Outcome::kOk, {value});
  return Outcome::kOk;
}

Outcome RegisterWorkload::Write(int process, client::Client& client, const std::string& key,
                                const std::string& value) {
  const int64_t id = history_.Invoke(process, key, OpType::kWrite, {value});
  const Outcome outcome = WriteOutcome(client.kv().Put(key, value).status());
  (void)history_.Complete(id, outcome);
  return outcome;
}

Outcome RegisterWorkload::Cas(int process, client::Client& client, const std::string& key,
                              const std::string& expected, const std::string& value) {
  const int64_t id = history_.Invoke(process, key, OpType::kCas, {expected, value});
  client::TxnBuilder txn;
  txn.If(client::Cmp::Value(key, client::Cmp::EQUAL, expected)).Then(client::Op::Put(key, value));
  auto response = client.kv().Txn(txn);
  Outcome outcome = WriteOutcome(response.status());
  if (response.ok() && !response->succeeded()) outcome = Outcome::kFail;
  (void)history_.Complete(id, outcome);
  return outcome;
}

std::string RegisterWorkload::Summary() const {
  int counts[3] = {0, 0, 0};
  for (const Operation& op : history_.Operations()) ++counts[static_cast<int>(op.outcome)];
  return absl::StrCat(counts[0] + counts[1] + counts[2], " ops: ", counts[0], " ok, ", counts[1],
                      " fail, ", counts[2], " info");
}

WorkloadVerdict RegisterWorkload::Check() {
  WorkloadVerdict verdict;
  verdict.summary = Summary();
  CheckOptions check_options;
  check_options.time_limit = std::chrono::seconds(120);
  RegisterModel model;
  auto checked = CheckLinearizability(Operations(), model, check_options);
  if (!checked.ok()) {
    verdict.details = absl::StrCat("malformed history: ", checked.status().ToString());
    return verdict;
  }
  verdict.ok = checked->verdict == Verdict::kLinearizable;
  verdict.details = FormatCheckResult(*checked);
  return verdict;
}

}  // namespace raftkv::jepsen
