#include "tests/jepsen/runner/jepsen_run.h"

#include <signal.h>

#include <atomic>
#include <map>
#include <memory>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "tests/jepsen/runner/jepsen_cluster.h"
#include "tests/jepsen/runner/nemesis_factory.h"
#include "tests/jepsen/runner/workload_factory.h"

namespace raftkv::jepsen {
namespace {

std::atomic<bool> g_stop_requested{false};

void OnStopSignal(int) { g_stop_requested = true; }

// Sleeps in small slices so that a stop request is noticed quickly.
void SleepUnlessStopped(std::chrono::milliseconds duration) {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  while (!g_stop_requested && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

int PickTarget(FaultTarget target, JepsenCluster& cluster, std::mt19937& rng) {
  const bool leader =
      target == FaultTarget::kLeader || (target == FaultTarget::kEither && rng() % 2 == 0);
  if (leader) {
    const int current = cluster.CurrentLeader();
    if (current >= 0) return current;
  }
  return static_cast<int>(rng() % static_cast<unsigned>(cluster.size()));
}

void RunSchedule(const RunOptions& options,
                 std::map<std::string, std::unique_ptr<Nemesis>>& nemeses, JepsenCluster& cluster,
                 std::ostream& log) {
  std::mt19937 rng(options.seed);
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + options.time_limit;
  auto elapsed = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start)
        .count();
  };
  SleepUnlessStopped(options.quiet_duration);
  while (!g_stop_requested && !nemeses.empty() &&
         std::chrono::steady_clock::now() + options.fault_duration < end) {
    auto it = nemeses.begin();
    std::advance(it, rng() % nemeses.size());
    const int member = PickTarget(options.target, cluster, rng);
    absl::Status injected = it->second->Inject(member);
    const std::string fault = it->second->LastFault();
    log << "[jepsen] t=" << elapsed() << "ms " << it->first << " m" << member << ": " << injected
        << (fault.empty() ? "" : " (" + fault + ")") << std::endl;
    SleepUnlessStopped(options.fault_duration);
    absl::Status healed = it->second->Heal();
    log << "[jepsen] t=" << elapsed() << "ms heal " << it->first << " m" << member << ": " << healed
        << std::endl;
    SleepUnlessStopped(options.quiet_duration);
  }
  const auto remaining = end - std::chrono::steady_clock::now();
  if (remaining > std::chrono::steady_clock::duration::zero()) {
    SleepUnlessStopped(std::chrono::duration_cast<std::chrono::milliseconds>(remaining));
  }
}

// Every member answers a linearizable read with the value just written through another.
bool CheckRecovery(JepsenCluster& cluster, std::ostream& log) {
  for (int i = 0; i < cluster.size(); ++i) {
    if (!cluster.Running(i) && !cluster.Restart(i).ok()) return false;
  }
  const int leader = cluster.WaitForLeader(std::chrono::seconds(30));
  if (leader < 0) {
    log << "[jepsen] recovery: members do not agree on a leader within 30s" << std::endl;
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (int writer = 0; writer < cluster.size(); ++writer) {
    const std::string value = absl::StrCat("recovered-", writer);
    bool written = false;
    while (!written && std::chrono::steady_clock::now() < deadline) {
      etcdserverpb::PutRequest put;
      put.set_key("jepsen/recovery");
      put.set_value(value);
      etcdserverpb::PutResponse put_response;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
      written = cluster.Kv(writer).Put(&context, put, &put_response).ok();
    }
    if (!written) {
      log << "[jepsen] recovery: member " << writer << " cannot write" << std::endl;
      return false;
    }
    for (int reader = 0; reader < cluster.size(); ++reader) {
      etcdserverpb::RangeRequest range;
      range.set_key("jepsen/recovery");
      etcdserverpb::RangeResponse range_response;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      grpc::Status status = cluster.Kv(reader).Range(&context, range, &range_response);
      if (!status.ok() || range_response.kvs_size() != 1 ||
          range_response.kvs(0).value() != value) {
        log << "[jepsen] recovery: member " << reader << " does not read " << value
            << " written via " << writer << ": " << status.error_message() << std::endl;
        return false;
      }
    }
  }
  log << "[jepsen] recovery: leader m" << leader << ", every member writes and reads" << std::endl;
  return true;
}

}  // namespace

bool StopRequested() { return g_stop_requested; }

void InstallStopSignalHandlers() {
  struct sigaction action = {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaction(signal, &action, nullptr);
}

absl::StatusOr<RunResult> RunJepsen(const RunOptions& options, std::ostream& log) {
  RunResult result;
  JepsenClusterOptions cluster_options;
  cluster_options.binary = options.binary;
  cluster_options.size = options.members;
  cluster_options.hosts = options.hosts;
  auto cluster = JepsenCluster::Start(cluster_options);
  if (!cluster.ok()) return cluster.status();
  log << "[jepsen] hosts: " << (*cluster)->network().Mode() << " " << (*cluster)->host_note()
      << std::endl;

  WorkloadSettings settings;
  settings.seed = options.seed;
  settings.serializable_reads = options.serializable_reads;
  std::vector<std::unique_ptr<Workload>> workloads;
  for (const std::string& name : options.workloads) {
    auto workload = MakeWorkload(name, cluster->get(), settings);
    if (!workload.ok()) return workload.status();
    workloads.push_back(std::move(*workload));
  }
  // Declared after the cluster and the workloads: destroyed (healed: rules removed,
  // members continued) first, so that workload destructors can still reach the members.
  NemesisSet nemesis_set = MakeNemeses(options.nemeses, cluster->get(), log, options.seed);
  result.partitions_skipped = nemesis_set.partitions_skipped;
  result.no_faults = !options.nemeses.empty() && nemesis_set.by_name.empty();
  auto& nemeses = nemesis_set.by_name;

  for (auto& workload : workloads) {
    if (absl::Status started = workload->Start(); !started.ok()) {
      return absl::Status(started.code(),
                          absl::StrCat(workload->Name(), " did not start: ", started.message()));
    }
  }
  log << "[jepsen] workloads started" << std::endl;

  RunSchedule(options, nemeses, **cluster, log);
  for (auto& workload : workloads) workload->Stop();
  for (auto& [name, nemesis] : nemeses) {
    if (absl::Status healed = nemesis->Heal(); !healed.ok()) {
      log << "[jepsen] final heal of " << name << " failed: " << healed << std::endl;
    }
  }
  result.recovered = CheckRecovery(**cluster, log);
  if (!result.recovered) absl::StrAppend(&result.report, "cluster did not recover\n");

  for (auto& workload : workloads) {
    WorkloadVerdict verdict = workload->Check();
    log << "[jepsen] " << workload->Name() << " verdict: " << (verdict.ok ? "ok" : "FAILED")
        << std::endl;
    absl::StrAppend(&result.report, workload->Name(), " (", verdict.summary,
                    "): ", verdict.ok ? "PASS" : "FAIL", "\n", verdict.details, "\n");
    result.verdicts[workload->Name()] = std::move(verdict);
  }
  if (!result.ok()) {
    for (int i = 0; i < (*cluster)->size(); ++i) {
      const std::string member_log = (*cluster)->Log(i);
      absl::StrAppend(
          &result.report, "---- log of m", i, " (last 4000 bytes) ----\n",
          member_log.size() > 4000 ? member_log.substr(member_log.size() - 4000) : member_log,
          "\n");
    }
  }
  return result;
}

}  // namespace raftkv::jepsen
