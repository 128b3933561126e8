// range: each op reads one random key of the key space, linearizable
// (--consistency=l, the default) or serializable (--consistency=s). Prepare
// first writes every key once so reads return a --val-size value.
#include <random>
#include <vector>

#include "tools/bench/closed_loop_driver.h"
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

  absl::Status Prepare() override {
    BenchOptions preload = *env_.options;
    preload.sequential_keys = true;
    WorkloadEnv preload_env{&preload, env_.pool};
    auto put = MakePutWorkload(preload_env);
    RunLimits limits;
    limits.clients = preload.clients;
    limits.total = keys_.key_space();
    limits.max_errors = 1;
    RunResult result = ClosedLoopDriver(*put, limits).Run();
    if (result.errors > 0) {
      return absl::UnavailableError("preloading keys failed: " + result.first_error);
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

  WorkloadEnv env_;
  KeyValueSource keys_;
  std::vector<std::mt19937_64> rngs_;
};

}  // namespace

std::unique_ptr<Workload> MakeRangeWorkload(const WorkloadEnv& env) {
  return std::make_unique<RangeWorkload>(env);
}

}  // namespace raftkv::bench
