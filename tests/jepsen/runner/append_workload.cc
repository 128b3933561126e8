#include "tests/jepsen/runner/append_workload.h"

#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/kv.h"
#include "tests/jepsen/checker/append_checker.h"
#include "tests/jepsen/runner/workload_clients.h"

namespace raftkv::jepsen {

std::vector<std::string> SplitList(const std::string& value) {
  return absl::StrSplit(value, ' ', absl::SkipEmpty());
}

absl::Status AppendWorkload::Start() {
  for (int member = 0; member < cluster_->size(); ++member) {
    auto connected = ConnectToMember(*cluster_, member, options_.op_timeout);
    if (!connected.ok()) return connected.status();
    clients_.push_back(std::move(*connected));
  }
  for (int t = 0; t < options_.threads; ++t) threads_.emplace_back([this, t] { RunClient(t); });
  return absl::OkStatus();
}

void AppendWorkload::Stop() {
  stop_ = true;
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

void AppendWorkload::RunClient(int thread) {
  std::mt19937 rng(options_.seed * 104729 + thread);
  client::Client& client = *clients_[thread % clients_.size()];
  int process = thread;  // a new process after each info, as in the register workload
  int64_t counter = 0;
  while (!stop_) {
    const std::string key =
        absl::StrCat(options_.key_prefix, "k", rng() % static_cast<unsigned>(options_.keys));
    const Outcome outcome =
        rng() % 4 == 0 ? Read(process, client, key)
                       : Append(process, client, key, absl::StrCat(thread, "-", ++counter));
    if (outcome == Outcome::kInfo) process += options_.threads;
    if (outcome != Outcome::kOk) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Outcome AppendWorkload::Read(int process, client::Client& client, const std::string& key) {
  const int64_t id = history_.Invoke(process, key, OpType::kRead, {});
  auto response = client.kv().Get(key);
  if (!response.ok()) {
    (void)history_.Complete(id, Outcome::kFail);
    return Outcome::kFail;
  }
  std::vector<Value> list;
  if (response->kvs_size() > 0) {
    for (const std::string& element : SplitList(response->kvs(0).value())) list.push_back(element);
  }
  (void)history_.Complete(id, Outcome::kOk, std::move(list));
  return Outcome::kOk;
}

Outcome AppendWorkload::Append(int process, client::Client& client, const std::string& key,
                               const std::string& element) {
  const int64_t id = history_.Invoke(process, key, OpType::kAppend, {element});
  Outcome outcome = Outcome::kFail;  // stays fail while no CAS was possibly applied
  for (int attempt = 0; attempt < options_.cas_attempts && !stop_; ++attempt) {
    auto current = client.kv().Get(key);
    if (!current.ok()) break;
    std::string list;
    int64_t mod_revision = 0;  // a missing key compares as mod_revision 0
    if (current->kvs_size() > 0) {
      list = current->kvs(0).value();
      mod_revision = current->kvs(0).mod_revision();
    }
    client::TxnBuilder txn;
    txn.If(client::Cmp::ModRevision(key, client::Cmp::EQUAL, mod_revision))
        .Then(client::Op::Put(key, list.empty() ? element : absl::StrCat(list, " ", element)));
    auto response = client.kv().Txn(txn);
    if (!response.ok()) {
      outcome = WriteOutcome(response.status());
      break;
    }
    if (response->succeeded()) {
      outcome = Outcome::kOk;
      break;
    }
    // Another append got in between: the guard refused ours, so nothing changed. Retry.
  }
  (void)history_.Complete(id, outcome);
  return outcome;
}

std::string AppendWorkload::Summary() const {
  int counts[3] = {0, 0, 0};
  int appends = 0;
  for (const Operation& op : history_.Operations()) {
    ++counts[static_cast<int>(op.outcome)];
    if (op.type == OpType::kAppend) ++appends;
  }
  return absl::StrCat(counts[0] + counts[1] + counts[2], " ops (", appends,
                      " appends): ", counts[0], " ok, ", counts[1], " fail, ", counts[2], " info");
}

WorkloadVerdict AppendWorkload::Check() {
  WorkloadVerdict verdict;
  verdict.summary = Summary();
  std::map<std::string, std::vector<std::string>> final_lists;
  for (int k = 0; k < options_.keys; ++k) {
    const std::string key = absl::StrCat(options_.key_prefix, "k", k);
    absl::Status last;
    bool read = false;
    for (int attempt = 0; attempt < 20 && !read; ++attempt) {
      auto response = clients_[attempt % clients_.size()]->kv().Get(key);
      if (!response.ok()) {
        last = response.status();
        continue;
      }
      final_lists[key] = response->kvs_size() > 0 ? SplitList(response->kvs(0).value())
                                                  : std::vector<std::string>{};
      read = true;
    }
    if (!read) {
      verdict.details = absl::StrCat("final read of ", key, " failed: ", last.ToString());
      return verdict;
    }
  }
  AppendCheckResult checked = CheckAppendHistory(history_.Operations(), final_lists);
  verdict.ok = checked.ok;
  size_t elements = 0;
  for (const auto& [key, list] : final_lists) elements += list.size();
  verdict.details = checked.ok
                        ? absl::StrCat("ok: ", elements,
                                       " elements in the final lists, every acknowledged "
                                       "append present once, in acknowledgement order")
                        : absl::StrCat("VIOLATION:\n  ", absl::StrJoin(checked.problems, "\n  "));
  return verdict;
}

}  // namespace raftkv::jepsen
