// put: each op writes one key of the key space (random, or sequential with
// --sequential-keys) with a --val-size value.
#include <random>
#include <vector>

#include "tools/bench/key_value_source.h"
#include "tools/bench/workload_registry.h"
#include "tools/bench/workloads/unary_call.h"

namespace raftkv::bench {
namespace {

class PutWorkload : public Workload {
 public:
  explicit PutWorkload(const WorkloadEnv& env)
      : env_(env), keys_("", env.options->key_size, env.options->key_space, env.options->val_size) {
    for (int c = 0; c < env.options->clients; ++c) rngs_.emplace_back(c + 1);
  }

  void StartOp(const OpTicket& ticket, OpDone done) override {
    auto call = std::make_shared<UnaryCall<etcdserverpb::PutRequest, etcdserverpb::PutResponse>>();
    call->request.set_key(env_.options->sequential_keys ? keys_.KeyAt(ticket.seq)
                                                        : keys_.RandomKey(rngs_[ticket.client]));
    call->request.set_value(keys_.Value());
    Connection& conn = env_.pool->ForClient(ticket.client);
    conn.kv->async()->Put(&call->context, &call->request, &call->response,
                          call->Completion(std::move(done)));
  }

 private:
  WorkloadEnv env_;
  KeyValueSource keys_;
  std::vector<std::mt19937_64> rngs_;
};

}  // namespace

std::unique_ptr<Workload> MakePutWorkload(const WorkloadEnv& env) {
  return std::make_unique<PutWorkload>(env);
}

}  // namespace raftkv::bench
