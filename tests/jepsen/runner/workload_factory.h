// Builds the workloads a run asked for by name, so the run loop and the command line share
// one list of names.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_WORKLOAD_FACTORY_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_WORKLOAD_FACTORY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/jepsen/runner/jepsen_cluster.h"
#include "tests/jepsen/runner/workload.h"

namespace raftkv::jepsen {

// Every workload name, in the order reports list them.
const std::vector<std::string>& AllWorkloadNames();

struct WorkloadSettings {
  uint32_t seed = 1;
  bool serializable_reads = false;  // register: the deliberately unsafe mode
};

// InvalidArgument for an unknown name.
absl::StatusOr<std::unique_ptr<Workload>> MakeWorkload(const std::string& name,
                                                       JepsenCluster* cluster,
                                                       const WorkloadSettings& settings);

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_WORKLOAD_FACTORY_H_
