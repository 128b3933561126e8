// Test fixture: a real etcd 3.4 cluster (/usr/bin/etcd) on loopback with free ports and
// temporary data directories, with fault injection (kill, restart, pause) per member, and
// helpers to run etcdctl against it.
#ifndef RAFTKV_CLIENT_CLUSTER_TEST_UTIL_H_
#define RAFTKV_CLIENT_CLUSTER_TEST_UTIL_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/client.h"
#include "tests/harness/process.h"
#include "tests/harness/temp_dir.h"

namespace raftkv::client::testing {

class EtcdCluster {
 public:
  static absl::StatusOr<std::unique_ptr<EtcdCluster>> Start(int members = 3);
  ~EtcdCluster();

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
  };
  EtcdCluster() = default;
  absl::Status Launch(Member& member);

  harness::TempDir dir_;
  std::string initial_cluster_;
  std::string token_;
  std::vector<Member> members_;
  int etcdctl_count_ = 0;
};

// Polls `condition` every 10ms until it holds or `timeout` passes.
bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

}  // namespace raftkv::client::testing

#endif  // RAFTKV_CLIENT_CLUSTER_TEST_UTIL_H_
