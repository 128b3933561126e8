#ifndef RAFTKV_TOOLS_BENCH_WORKLOAD_REGISTRY_H_
#define RAFTKV_TOOLS_BENCH_WORKLOAD_REGISTRY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/bench/workload.h"

namespace raftkv::bench {

using WorkloadFactory = std::unique_ptr<Workload> (*)(const WorkloadEnv&);

struct WorkloadInfo {
  const char* name;
  const char* description;
  WorkloadFactory make;
};

const std::vector<WorkloadInfo>& AllWorkloads();

absl::StatusOr<std::unique_ptr<Workload>> MakeWorkload(const std::string& name,
                                                       const WorkloadEnv& env);

// The factories, one per file under workloads/.
std::unique_ptr<Workload> MakePutWorkload(const WorkloadEnv& env);
std::unique_ptr<Workload> MakeRangeWorkload(const WorkloadEnv& env);
std::unique_ptr<Workload> MakeTxnPutWorkload(const WorkloadEnv& env);
std::unique_ptr<Workload> MakeWatchLatencyWorkload(const WorkloadEnv& env);
std::unique_ptr<Workload> MakeLeaseGrantWorkload(const WorkloadEnv& env);
std::unique_ptr<Workload> MakeLeaseKeepAliveWorkload(const WorkloadEnv& env);

}  // namespace raftkv::bench

#endif  // RAFTKV_TOOLS_BENCH_WORKLOAD_REGISTRY_H_
