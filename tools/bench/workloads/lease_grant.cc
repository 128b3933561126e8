// lease-grant: each op grants a new lease with --lease-ttl seconds. Leases are
// left to expire on their own, as a fleet of short-lived clients would.
#include "tools/bench/workload_registry.h"
#include "tools/bench/workloads/unary_call.h"

namespace raftkv::bench {
namespace {

class LeaseGrantWorkload : public Workload {
 public:
  explicit LeaseGrantWorkload(const WorkloadEnv& env) : env_(env) {}

  void StartOp(const OpTicket& ticket, OpDone done) override {
    auto call = std::make_shared<
        UnaryCall<etcdserverpb::LeaseGrantRequest, etcdserverpb::LeaseGrantResponse>>();
    call->request.set_ttl(env_.options->lease_ttl);
    Connection& conn = env_.pool->ForClient(ticket.client);
    conn.lease->async()->LeaseGrant(&call->context, &call->request, &call->response,
                                    call->Completion(std::move(done), ExpectGranted));
  }

 private:
  static absl::Status ExpectGranted(const etcdserverpb::LeaseGrantResponse& response) {
    if (response.id() == 0 || !response.error().empty()) {
      return absl::InternalError("lease not granted: " + response.error());
    }
    return absl::OkStatus();
  }

  WorkloadEnv env_;
};

}  // namespace

std::unique_ptr<Workload> MakeLeaseGrantWorkload(const WorkloadEnv& env) {
  return std::make_unique<LeaseGrantWorkload>(env);
}

}  // namespace raftkv::bench
