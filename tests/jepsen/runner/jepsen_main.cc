// The Jepsen-style runner. By default one mixed run (register + watch, kill / pause /
// partition); --long runs the whole workload × nemesis matrix. Exit code 0 when every run
// is linearizable, keeps its watch invariants and recovers; 1 otherwise; 2 on setup errors.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_split.h"
#include "tests/harness/etcdctl.h"
#include "tests/harness/runfiles.h"
#include "tests/jepsen/runner/jepsen_run.h"

ABSL_FLAG(bool, long, false, "run the whole workload x nemesis matrix");
ABSL_FLAG(int, time_limit, 60, "seconds of faults per run");
ABSL_FLAG(std::string, target, "raftkv", "raftkv or etcd (Debian's /usr/bin/etcd)");
ABSL_FLAG(std::string, nemesis, "kill,pause,partition", "faults of the default run");
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

std::vector<NamedRun> Matrix(const RunOptions& base) {
  std::vector<NamedRun> runs;
  const std::vector<std::pair<std::string, FaultTarget>> targets = {
      {"random", FaultTarget::kRandom}, {"leader", FaultTarget::kLeader}};
  for (const std::string workload : {"register", "watch"}) {
    for (const std::string nemesis : {"kill", "pause", "partition"}) {
      for (const auto& [target_name, target] : targets) {
        NamedRun run{workload + " x " + nemesis + "-" + target_name, base};
        run.options.register_workload = workload == "register";
        run.options.watch_workload = workload == "watch";
        run.options.nemeses = {nemesis};
        run.options.target = target;
        runs.push_back(run);
      }
    }
  }
  NamedRun mixed{"register+watch x mixed", base};
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
  base.time_limit = std::chrono::seconds(absl::GetFlag(FLAGS_time_limit));
  base.serializable_reads = absl::GetFlag(FLAGS_unsafe_serializable_reads);
  base.seed = static_cast<uint32_t>(absl::GetFlag(FLAGS_seed));
  base.nemeses = absl::StrSplit(absl::GetFlag(FLAGS_nemesis), ',', absl::SkipEmpty());

  std::vector<NamedRun> runs =
      absl::GetFlag(FLAGS_long) ? Matrix(base) : std::vector<NamedRun>{{"default", base}};
  int failures = 0;
  for (const NamedRun& run : runs) {
    std::cout << "==== " << run.name << " against " << target << " ====" << std::endl;
    auto result = raftkv::jepsen::RunJepsen(run.options, std::cout);
    if (!result.ok()) {
      std::cout << "setup error: " << result.status() << std::endl;
      return 2;
    }
    std::cout << result->report << "==== " << run.name << ": " << (result->ok() ? "PASS" : "FAIL")
              << " ====" << std::endl;
    if (!result->ok()) ++failures;
  }
  std::cout << runs.size() - failures << "/" << runs.size() << " runs passed" << std::endl;
  return failures == 0 ? 0 : 1;
}
