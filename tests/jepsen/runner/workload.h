// A Jepsen-style workload: client threads that run operations against the cluster while
// faults come and go, then, once the cluster is healed and has recovered, a check of what
// they recorded against the workload's invariants.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_WORKLOAD_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_WORKLOAD_H_

#include <string>

#include "absl/status/status.h"

namespace raftkv::jepsen {

struct WorkloadVerdict {
  bool ok = false;
  std::string summary;  // one line: what ran (op counts ...)
  std::string details;  // the verdict and, on failure, the evidence
};

class Workload {
 public:
  virtual ~Workload() = default;
  virtual std::string Name() const = 0;
  // Connects and starts the client threads; an error means the run cannot take place.
  virtual absl::Status Start() = 0;
  // Stops issuing operations and joins the threads; in-flight ops end as recorded.
  virtual void Stop() = 0;
  // Called after Stop, the final heal and the recovery check.
  virtual WorkloadVerdict Check() = 0;
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_WORKLOAD_H_
