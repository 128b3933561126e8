#include "tests/jepsen/runner/register_workload.h"

#include <map>
#include <random>

#include "absl/strings/str_cat.h"

namespace raftkv::jepsen {
namespace {

void SetDeadline(grpc::ClientContext& context, std::chrono::milliseconds timeout) {
  context.set_deadline(std::chrono::system_clock::now() + timeout);
}

// Errors that prove the request was rejected before it could reach the log.
bool DefinitelyRejected(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return true;
    default:
      return false;
  }
}

// An unrecorded empty string would look like nil; the empty value "" is never written.
constexpr char kNil[] = "";

}  // namespace

void RegisterWorkload::Start() {
  for (int t = 0; t < options_.threads; ++t) threads_.emplace_back([this, t] { RunClient(t); });
}

void RegisterWorkload::Stop() {
  stop_ = true;
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

void RegisterWorkload::RunClient(int thread) {
  std::mt19937 rng(options_.seed * 7919 + thread);
  const int member = thread % cluster_->size();
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
      outcome = Read(process, member, key, &last_seen[key]);
    } else if (dice == 2 || last_seen[key] == kNil) {
      outcome = Write(process, member, key, value);
    } else {
      outcome = Cas(process, member, key, last_seen[key], value);
    }
    if (outcome == Outcome::kInfo) process += options_.threads;
    // A down member refuses connections at once: back off so that a kill does not flood
    // the history with thousands of failed ops (which also slows the checker down).
    if (outcome != Outcome::kOk) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Outcome RegisterWorkload::Read(int process, int member, const std::string& key,
                               std::string* last_seen) {
  const int64_t id = history_.Invoke(process, key, OpType::kRead, {});
  etcdserverpb::RangeRequest request;
  request.set_key(key);
  request.set_serializable(options_.serializable_reads);
  etcdserverpb::RangeResponse response;
  grpc::ClientContext context;
  SetDeadline(context, options_.op_timeout);
  grpc::Status status = cluster_->Kv(member).Range(&context, request, &response);
  if (!status.ok()) {
    (void)history_.Complete(id, Outcome::kFail);
    return Outcome::kFail;
  }
  Value value;
  if (response.kvs_size() > 0) value = response.kvs(0).value();
  *last_seen = value.value_or(kNil);
  (void)history_.Complete(id, Outcome::kOk, {value});
  return Outcome::kOk;
}

Outcome RegisterWorkload::Write(int process, int member, const std::string& key,
                                const std::string& value) {
  const int64_t id = history_.Invoke(process, key, OpType::kWrite, {value});
  etcdserverpb::PutRequest request;
  request.set_key(key);
  request.set_value(value);
  etcdserverpb::PutResponse response;
  grpc::ClientContext context;
  SetDeadline(context, options_.op_timeout);
  grpc::Status status = cluster_->Kv(member).Put(&context, request, &response);
  const Outcome outcome = status.ok()                  ? Outcome::kOk
                          : DefinitelyRejected(status) ? Outcome::kFail
                                                       : Outcome::kInfo;
  (void)history_.Complete(id, outcome);
  return outcome;
}

Outcome RegisterWorkload::Cas(int process, int member, const std::string& key,
                              const std::string& expected, const std::string& value) {
  const int64_t id = history_.Invoke(process, key, OpType::kCas, {expected, value});
  etcdserverpb::TxnRequest request;
  etcdserverpb::Compare* compare = request.add_compare();
  compare->set_key(key);
  compare->set_target(etcdserverpb::Compare::VALUE);
  compare->set_result(etcdserverpb::Compare::EQUAL);
  compare->set_value(expected);
  etcdserverpb::PutRequest* put = request.add_success()->mutable_request_put();
  put->set_key(key);
  put->set_value(value);
  etcdserverpb::TxnResponse response;
  grpc::ClientContext context;
  SetDeadline(context, options_.op_timeout);
  grpc::Status status = cluster_->Kv(member).Txn(&context, request, &response);
  Outcome outcome = DefinitelyRejected(status) ? Outcome::kFail : Outcome::kInfo;
  if (status.ok()) outcome = response.succeeded() ? Outcome::kOk : Outcome::kFail;
  (void)history_.Complete(id, outcome);
  return outcome;
}

std::string RegisterWorkload::Summary() const {
  int counts[3] = {0, 0, 0};
  for (const Operation& op : history_.Operations()) ++counts[static_cast<int>(op.outcome)];
  return absl::StrCat(counts[0] + counts[1] + counts[2], " ops: ", counts[0], " ok, ", counts[1],
                      " fail, ", counts[2], " info");
}

}  // namespace raftkv::jepsen
