// How workloads connect through the client library (//client).
//
// A member-bound client talks to one member only and makes exactly one attempt per call: no
// failover, no retry, so a workload records what that one request did (Jepsen binds each
// process to a node). The client library otherwise retries writes on another member when it
// believes the first copy was never processed; a history must not depend on that belief.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_WORKLOAD_CLIENTS_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_WORKLOAD_CLIENTS_H_

#include <chrono>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/client.h"
#include "tests/jepsen/checker/operation.h"
#include "tests/jepsen/runner/jepsen_cluster.h"

namespace raftkv::jepsen {

absl::StatusOr<std::unique_ptr<client::Client>> ConnectToMember(
    JepsenCluster& cluster, int member, std::chrono::milliseconds op_timeout);

// A client with failover, trying `first_member` first and then the others in order.
absl::StatusOr<std::unique_ptr<client::Client>> ConnectWithFailover(
    JepsenCluster& cluster, int first_member, std::chrono::milliseconds op_timeout);

// True when the error proves the request was never processed: it was not sent (no
// connection) or the server rejected it before proposing it.
bool DefinitelyNotApplied(const absl::Status& status);

// Outcome of a write whose call returned `status`: ok, fail when provably not applied,
// otherwise info (it may still commit).
Outcome WriteOutcome(const absl::Status& status);

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_WORKLOAD_CLIENTS_H_
