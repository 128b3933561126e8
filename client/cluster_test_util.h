// Test fixture: a real 3-member cluster on loopback with free ports and temporary data
// directories, with fault injection per member (kill, restart, pause, network partition) and
// helpers to run etcdctl against it. The servers are raftkv (//server:raftkv, a data
// dependency of the test) or, as a reference, etcd 3.4 (/usr/bin/etcd): both take the same
// command-line flags. The environment variable RAFTKV_CLIENT_TEST_BACKEND (set per cc_test
// target in client/BUILD) picks one: "raftkv" (the default) or "etcd".
#ifndef RAFTKV_CLIENT_CLUSTER_TEST_UTIL_H_
#define RAFTKV_CLIENT_CLUSTER_TEST_UTIL_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/client.h"
#include "tests/harness/eventually.h"
#include "tests/harness/iptables_rules.h"
#include "tests/harness/process.h"
#include "tests/harness/temp_dir.h"

namespace raftkv::client::testing {

enum class Backend { kRaftkv, kEtcd };
// From RAFTKV_CLIENT_TEST_BACKEND; raftkv unless it says "etcd".
Backend BackendFromEnvironment();
const char* BackendName(Backend backend);

class TestCluster {
 public:
  static absl::StatusOr<std::unique_ptr<TestCluster>> Start(
      int members = 3, Backend backend = BackendFromEnvironment());
  ~TestCluster();

  Backend backend() const { return backend_; }
  int size() const { return static_cast<int>(members_.size()); }
  std::string ClientEndpoint(int member) const;
  std::vector<std::string> ClientEndpoints() const;
  std::string EndpointsFlag() const;  // "--endpoints=a,b,c" for etcdctl
  int IndexOf(const std::string& endpoint) const;

  // SIGKILL; Restart brings the member back with its data.
  void Kill(int member);
  absl::Status Restart(int member);
  // SIGSTOP/SIGCONT: the member stops answering but keeps its sockets open, like a partition.
  void Pause(int member);
  void Resume(int member);
  // Cuts the member off from its peers (iptables on lo, both directions); its client port
  // stays reachable. Needs root: check PartitionSupported() first. One partition at a time.
  static absl::Status PartitionSupported();
  absl::Status Partition(int member);
  absl::Status Heal();

  // The member that currently leads, as seen by a running member; -1 if none within timeout.
  int WaitForLeader(std::chrono::milliseconds timeout);
  // Waits until every running member reports the same leader.
  absl::Status WaitHealthy(std::chrono::milliseconds timeout);

  // Client options tuned for fast failover in tests.
  ClientOptions Options(std::vector<std::string> endpoints = {}) const;
  absl::StatusOr<std::unique_ptr<Client>> Connect(std::vector<std::string> endpoints = {}) const;

  // Starts `etcdctl <args>` against the cluster; its output goes to the returned log file.
  struct Etcdctl {
    std::unique_ptr<harness::Process> process;
    std::string log_path;
    std::string Output() const;
    // Waits until the output contains `text`.
    bool WaitOutput(const std::string& text, std::chrono::milliseconds timeout) const;
  };
  absl::StatusOr<Etcdctl> SpawnEtcdctl(const std::vector<std::string>& args);

 private:
  struct Member {
    std::string name;
    int client_port = 0;
    int peer_port = 0;
    std::string data_dir;
    std::string log_path;
    std::unique_ptr<harness::Process> process;
    bool paused = false;
    int gid = 0;  // the process runs under its own group, so iptables can match its sockets
  };
  explicit TestCluster(Backend backend) : backend_(backend) {}
  absl::Status Launch(Member& member);
  std::vector<std::string> ServerArgv(const Member& member) const;

  const Backend backend_;
  harness::TempDir dir_;
  std::string initial_cluster_;
  std::string token_;
  std::vector<Member> members_;
  int etcdctl_count_ = 0;
  harness::IptablesRules partition_;
};

// Waits on a condition with a deadline (tests/harness/eventually.h).
using harness::Eventually;

}  // namespace raftkv::client::testing

#endif  // RAFTKV_CLIENT_CLUSTER_TEST_UTIL_H_
