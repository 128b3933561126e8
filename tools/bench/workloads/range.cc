// range: each op reads one random key of the key space, linearizable
// (--consistency=l, the default) or serializable (--consistency=s). Prepare
// first writes every key once so reads return a --val-size value.
#include <algorithm>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

#include "tools/bench/key_value_source.h"
#include "tools/bench/workload_registry.h"
#include "tools/bench/workloads/unary_call.h"

namespace raftkv::bench {
namespace {

class RangeWorkload : public Workload {
 public:
  explicit RangeWorkload(const WorkloadEnv& env)
      : env_(env), keys_("", env.options->key_size, env.options->key_space, env.options->val_size) {
    for (int c = 0; c < env.options->clients; ++c) rngs_.emplace_back(c + 1);
  }

  // Writes every key of the key space once, in Txns of kPreloadBatch puts
  // (etcd's default --max-txn-ops is 128) from one thread per connection, so
  // preloading 100k keys takes seconds rather than minutes.
  absl::Status Prepare() override {
    // A previous range run on the same cluster already wrote every key;
    // rewriting them would only grow the servers' history between runs.
    if (AllKeysPresent()) return absl::OkStatus();
    const int64_t batches = (keys_.key_space() + kPreloadBatch - 1) / kPreloadBatch;
    const int threads = env_.pool->size();
    std::vector<absl::Status> results(threads);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([this, t, threads, batches, &results] {
        for (int64_t b = t; b < batches && results[t].ok(); b += threads) {
          results[t] = PutBatch(env_.pool->ForClient(t), b * kPreloadBatch);
        }
      });
    }
    for (auto& worker : workers) worker.join();
    for (const auto& status : results) {
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }

  void StartOp(const OpTicket& ticket, OpDone done) override {
    auto call =
        std::make_shared<UnaryCall<etcdserverpb::RangeRequest, etcdserverpb::RangeResponse>>();
    call->request.set_key(env_.options->sequential_keys ? keys_.KeyAt(ticket.seq)
                                                        : keys_.RandomKey(rngs_[ticket.client]));
    call->request.set_serializable(!env_.options->linearizable);
    Connection& conn = env_.pool->ForClient(ticket.client);
    conn.kv->async()->Range(&call->context, &call->request, &call->response,
                            call->Completion(std::move(done), ExpectOneKey));
  }

 private:
  // A read that finds nothing means the server lost or never stored a key:
  // count it as a failure rather than as a (fast) successful op.
  static absl::Status ExpectOneKey(const etcdserverpb::RangeResponse& response) {
    if (response.kvs_size() != 1) return absl::NotFoundError("range returned no key");
    return absl::OkStatus();
  }

  static constexpr int64_t kPreloadBatch = 100;

  bool AllKeysPresent() {
    etcdserverpb::RangeRequest request;
    request.set_key(keys_.KeyAt(0));
    request.set_range_end(keys_.KeyAt(keys_.key_space() - 1) + std::string(1, '\0'));
    request.set_count_only(true);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    etcdserverpb::RangeResponse response;
    grpc::Status status = env_.pool->ForClient(0).kv->Range(&context, request, &response);
    return status.ok() && response.count() == keys_.key_space();
  }

  absl::Status PutBatch(Connection& conn, int64_t first) {
    etcdserverpb::TxnRequest request;
    const int64_t end = std::min(first + kPreloadBatch, keys_.key_space());
    for (int64_t i = first; i < end; ++i) {
      etcdserverpb::PutRequest* put = request.add_success()->mutable_request_put();
      put->set_key(keys_.KeyAt(i));
      put->set_value(keys_.Value());
    }
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    etcdserverpb::TxnResponse response;
    grpc::Status status = conn.kv->Txn(&context, request, &response);
    if (!status.ok()) {
      return absl::UnavailableError("preloading keys failed: " + status.error_message());
    }
    return absl::OkStatus();
  }

  WorkloadEnv env_;
  KeyValueSource keys_;
  std::vector<std::mt19937_64> rngs_;
};

}  // namespace

std::unique_ptr<Workload> MakeRangeWorkload(const WorkloadEnv& env) {
  return std::make_unique<RangeWorkload>(env);
}

}  // namespace raftkv::bench
