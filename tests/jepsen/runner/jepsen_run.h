// One Jepsen-style run: start a cluster, run workloads while a nemesis alternates fault
// and heal, heal everything, check recovery, then check the histories.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_JEPSEN_RUN_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_JEPSEN_RUN_H_

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace raftkv::jepsen {

enum class FaultTarget { kRandom, kLeader, kEither };

struct RunOptions {
  std::string binary;  // raftkv or /usr/bin/etcd
  bool register_workload = true;
  bool watch_workload = true;
  // Any of "kill", "pause", "partition"; each fault picks one at random.
  std::vector<std::string> nemeses = {"kill", "pause", "partition"};
  FaultTarget target = FaultTarget::kEither;
  std::chrono::milliseconds time_limit{60000};
  std::chrono::milliseconds fault_duration{3000};
  std::chrono::milliseconds quiet_duration{2000};
  bool serializable_reads = false;
  uint32_t seed = 1;
};

struct RunResult {
  bool linearizable = true;  // register histories (true when not run)
  bool watch_ok = true;      // watch invariants (true when not run)
  bool recovered = false;    // all members agree on a leader and serve writes after heal
  bool partitions_skipped = false;
  std::string report;  // human-readable, including bad windows and member logs on failure
  bool ok() const { return linearizable && watch_ok && recovered; }
};

// Errors only when the run could not take place (cluster did not start). Progress lines
// go to `log`. SIGINT/SIGTERM end the run early; every fault is healed either way.
absl::StatusOr<RunResult> RunJepsen(const RunOptions& options, std::ostream& log);

// Installs SIGINT/SIGTERM/SIGHUP handlers that ask running RunJepsen calls to wind down.
void InstallStopSignalHandlers();

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_JEPSEN_RUN_H_
