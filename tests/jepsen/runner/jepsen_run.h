// One Jepsen-style run: start a cluster, run workloads while a nemesis alternates fault
// and heal, heal everything, check recovery, then check each workload's invariants.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_JEPSEN_RUN_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_JEPSEN_RUN_H_

#include <chrono>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/jepsen/runner/jepsen_cluster.h"
#include "tests/jepsen/runner/workload.h"

namespace raftkv::jepsen {

enum class FaultTarget { kRandom, kLeader, kEither };

struct RunOptions {
  std::string binary;  // raftkv or /usr/bin/etcd
  int members = 3;
  // Network namespaces when possible (partial partitions need them), else loopback.
  HostMode hosts = HostMode::kAuto;
  // Any of AllWorkloadNames() (workload_factory.h); they run side by side on separate keys.
  std::vector<std::string> workloads = {"register", "watch"};
  // Names understood by MakeNemeses (nemesis_factory.h); each fault picks one at random.
  std::vector<std::string> nemeses = {"kill", "pause", "partition"};
  FaultTarget target = FaultTarget::kEither;
  std::chrono::milliseconds time_limit{60000};
  std::chrono::milliseconds fault_duration{3000};
  std::chrono::milliseconds quiet_duration{2000};
  bool serializable_reads = false;
  uint32_t seed = 1;
};

struct RunResult {
  bool recovered = false;  // all members agree on a leader and serve writes after heal
  bool partitions_skipped = false;
  // Nemeses were asked for but none could be set up here: the run proved nothing.
  bool no_faults = false;
  std::map<std::string, WorkloadVerdict> verdicts;  // by workload name
  std::string report;  // human-readable, including evidence and member logs on failure

  bool WorkloadOk(const std::string& name) const {
    auto it = verdicts.find(name);
    return it == verdicts.end() || it->second.ok;
  }
  bool ok() const {
    if (!recovered) return false;
    for (const auto& [name, verdict] : verdicts) {
      if (!verdict.ok) return false;
    }
    return true;
  }
};

// Errors only when the run could not take place (cluster did not start, unknown workload).
// Progress lines go to `log`. SIGINT/SIGTERM end the run early; every fault is healed
// either way.
absl::StatusOr<RunResult> RunJepsen(const RunOptions& options, std::ostream& log);

// Installs SIGINT/SIGTERM/SIGHUP handlers that ask running RunJepsen calls to wind down.
void InstallStopSignalHandlers();
// True once a stop signal arrived.
bool StopRequested();

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_JEPSEN_RUN_H_
