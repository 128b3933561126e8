// The Jepsen-style runner. By default one run of the chosen workloads under a random mix of
// the chosen nemeses; --long runs the whole workload × nemesis matrix: one run per nemesis
// (every workload side by side, each on its own keys, each with its own verdict) plus one
// run mixing all nemeses, within a time budget. Exit code 0 when every run passes; 1
// otherwise; 2 on setup errors.
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/harness/etcdctl.h"
#include "tests/harness/runfiles.h"
#include "tests/jepsen/runner/jepsen_run.h"
#include "tests/jepsen/runner/workload_factory.h"

ABSL_FLAG(bool, long, false, "run the whole workload x nemesis matrix");
ABSL_FLAG(int, time_limit, 60, "seconds of faults per run");
ABSL_FLAG(std::string, target, "raftkv", "raftkv or etcd (Debian's /usr/bin/etcd)");
ABSL_FLAG(std::string, workloads, "register,watch",
          "workloads of the default run: register,watch,append,lock,registration or all");
ABSL_FLAG(std::string, nemesis, "kill,pause,partition", "faults of the default run");
// The one place that lists the nemeses of the --long matrix (names of nemesis_factory.h).
ABSL_FLAG(std::string, long_nemeses,
          "kill,pause,partition,partition-leader,partition-halves,partition-ring,"
          "partition-bridge,member",
          "nemeses of the --long matrix: one run each, plus one run mixing them all");
ABSL_FLAG(int, long_budget_minutes, 30,
          "--long stops starting runs that would not finish within this many minutes");
ABSL_FLAG(int, members, 3, "cluster size");
ABSL_FLAG(std::string, hosts, "auto",
          "auto (network namespaces, else loopback), netns (or fail), loopback (127.0.0.1 + "
          "iptables; whole-member partitions only)");
ABSL_FLAG(bool, unsafe_serializable_reads, false,
          "register reads are serializable (expected to be reported as a violation)");
ABSL_FLAG(int, seed, 1, "random seed");

namespace {

using raftkv::jepsen::FaultTarget;
using raftkv::jepsen::RunOptions;

struct NamedRun {
  std::string name;
  RunOptions options;
};

std::vector<std::string> SplitNames(const std::string& list) {
  return absl::StrSplit(list, ',', absl::SkipEmpty());
}

std::vector<NamedRun> Matrix(const RunOptions& base, const std::vector<std::string>& nemeses) {
  std::vector<NamedRun> runs;
  const std::string workloads = absl::StrJoin(base.workloads, "+");
  for (const std::string& nemesis : nemeses) {
    NamedRun run{workloads + " x " + nemesis, base};
    run.options.nemeses = {nemesis};
    runs.push_back(run);
  }
  NamedRun mixed{workloads + " x mixed(" + absl::StrJoin(nemeses, ",") + ")", base};
  mixed.options.nemeses = nemeses;
  runs.push_back(mixed);
  return runs;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  raftkv::jepsen::InstallStopSignalHandlers();
  RunOptions base;
  const std::string target = absl::GetFlag(FLAGS_target);
  base.binary =
      target == "etcd" ? raftkv::harness::kEtcdPath : raftkv::harness::RunfilePath("server/raftkv");
  base.members = absl::GetFlag(FLAGS_members);
  const std::string hosts = absl::GetFlag(FLAGS_hosts);
  if (hosts == "netns") {
    base.hosts = raftkv::jepsen::HostMode::kNetns;
  } else if (hosts == "loopback") {
    base.hosts = raftkv::jepsen::HostMode::kLoopback;
  } else if (hosts != "auto") {
    std::cerr << "--hosts must be auto, netns or loopback" << std::endl;
    return 2;
  }
  base.time_limit = std::chrono::seconds(absl::GetFlag(FLAGS_time_limit));
  base.serializable_reads = absl::GetFlag(FLAGS_unsafe_serializable_reads);
  base.seed = static_cast<uint32_t>(absl::GetFlag(FLAGS_seed));
  base.nemeses = SplitNames(absl::GetFlag(FLAGS_nemesis));
  const bool long_matrix = absl::GetFlag(FLAGS_long);
  const std::string workloads = absl::GetFlag(FLAGS_workloads);
  base.workloads = workloads == "all" || (long_matrix && workloads == "register,watch")
                       ? raftkv::jepsen::AllWorkloadNames()
                       : SplitNames(workloads);

  std::vector<NamedRun> runs = long_matrix
                                   ? Matrix(base, SplitNames(absl::GetFlag(FLAGS_long_nemeses)))
                                   : std::vector<NamedRun>{{"default", base}};
  const auto start = std::chrono::steady_clock::now();
  const auto budget = std::chrono::minutes(absl::GetFlag(FLAGS_long_budget_minutes));
  // A run takes its fault time plus start-up, recovery and checks (~40 s when loaded).
  const auto per_run = base.time_limit + std::chrono::seconds(40);
  int failures = 0, passed = 0, skipped = 0;
  std::vector<std::string> table;
  for (const NamedRun& run : runs) {
    if (raftkv::jepsen::StopRequested()) break;
    if (long_matrix && std::chrono::steady_clock::now() + per_run > start + budget) {
      table.push_back(run.name + ": NOT RUN (time budget)");
      ++skipped;
      continue;
    }
    std::cout << "==== " << run.name << " against " << target << " (seed " << run.options.seed
              << ") ====" << std::endl;
    auto result = raftkv::jepsen::RunJepsen(run.options, std::cout);
    if (!result.ok()) {
      std::cout << "setup error: " << result.status() << std::endl;
      return 2;
    }
    std::string verdict = result->ok() ? "PASS" : "FAIL";
    if (result->no_faults) verdict += " (no nemesis usable: nothing was injected)";
    std::cout << result->report << "==== " << run.name << ": " << verdict << " ====" << std::endl;
    std::string row = run.name + ": " + verdict + " [";
    for (const auto& [name, workload_verdict] : result->verdicts) {
      row += " " + name + "=" + (workload_verdict.ok ? "ok" : "FAIL");
    }
    row += std::string(" recovered=") + (result->recovered ? "yes" : "NO") + " ]";
    table.push_back(row);
    if (result->no_faults) {
      ++skipped;
    } else if (result->ok()) {
      ++passed;
    } else {
      ++failures;
    }
  }
  std::cout << "==== summary ====" << std::endl;
  for (const std::string& row : table) std::cout << row << std::endl;
  std::cout << passed << "/" << runs.size() << " runs passed, " << failures << " failed, "
            << skipped << " skipped" << std::endl;
  return failures == 0 ? 0 : 1;
}
