#include "tools/bench/workload_registry.h"

#include "absl/strings/str_cat.h"

namespace raftkv::bench {

const std::vector<WorkloadInfo>& AllWorkloads() {
  static const std::vector<WorkloadInfo> kWorkloads = {
      {"put", "Put a random key of the key space", MakePutWorkload},
      {"range", "Range (get) one random key; --consistency=l|s", MakeRangeWorkload},
      {"txn", "Txn: one always-true compare, then put a random key", MakeTxnPutWorkload},
      {"watch-latency", "--watchers streams watch a prefix; clients put; put-to-event latency",
       MakeWatchLatencyWorkload},
      {"lease-grant", "LeaseGrant with --lease-ttl", MakeLeaseGrantWorkload},
      {"lease-keepalive", "one lease and keep-alive stream per client; round trip per keep-alive",
       MakeLeaseKeepAliveWorkload},
  };
  return kWorkloads;
}

absl::StatusOr<std::unique_ptr<Workload>> MakeWorkload(const std::string& name,
                                                       const WorkloadEnv& env) {
  std::string known;
  for (const auto& info : AllWorkloads()) {
    if (name == info.name) return info.make(env);
    absl::StrAppend(&known, known.empty() ? "" : ", ", info.name);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown workload '", name, "' (known: ", known, ")"));
}

}  // namespace raftkv::bench
