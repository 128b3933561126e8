// txn: each op is a Txn whose single compare always holds (version of the key
// != -1) and whose success branch puts one random key: it measures the Txn
// path (compare evaluation + write) at the cost of a put.
#include <random>
#include <vector>

#include "tools/bench/key_value_source.h"
#include "tools/bench/workload_registry.h"
#include "tools/bench/workloads/unary_call.h"

namespace raftkv::bench {
namespace {

class TxnPutWorkload : public Workload {
 public:
  explicit TxnPutWorkload(const WorkloadEnv& env)
      : env_(env), keys_("", env.options->key_size, env.options->key_space, env.options->val_size) {
    for (int c = 0; c < env.options->clients; ++c) rngs_.emplace_back(c + 1);
  }

  void StartOp(const OpTicket& ticket, OpDone done) override {
    auto call = std::make_shared<UnaryCall<etcdserverpb::TxnRequest, etcdserverpb::TxnResponse>>();
    const std::string key = env_.options->sequential_keys ? keys_.KeyAt(ticket.seq)
                                                          : keys_.RandomKey(rngs_[ticket.client]);
    etcdserverpb::Compare* compare = call->request.add_compare();
    compare->set_key(key);
    compare->set_target(etcdserverpb::Compare::VERSION);
    compare->set_result(etcdserverpb::Compare::NOT_EQUAL);
    compare->set_version(-1);
    etcdserverpb::PutRequest* put = call->request.add_success()->mutable_request_put();
    put->set_key(key);
    put->set_value(keys_.Value());
    Connection& conn = env_.pool->ForClient(ticket.client);
    conn.kv->async()->Txn(&call->context, &call->request, &call->response,
                          call->Completion(std::move(done), ExpectSucceeded));
  }

 private:
  static absl::Status ExpectSucceeded(const etcdserverpb::TxnResponse& response) {
    if (!response.succeeded()) return absl::InternalError("txn compare unexpectedly failed");
    return absl::OkStatus();
  }

  WorkloadEnv env_;
  KeyValueSource keys_;
  std::vector<std::mt19937_64> rngs_;
};

}  // namespace

std::unique_ptr<Workload> MakeTxnPutWorkload(const WorkloadEnv& env) {
  return std::make_unique<TxnPutWorkload>(env);
}

}  // namespace raftkv::bench
