// The cluster under test for the Jepsen-style runner: three members of raftkv (or of the
// reference etcd 3.4) on loopback. Each member runs with its own group id (setpriv) so that
// iptables can tell its outgoing peer connections apart from the others' (`-m owner
// --gid-owner`): every member shares 127.0.0.1, and the gid is the only thing that
// distinguishes their sockets. The uid stays root, so file access is unchanged.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_JEPSEN_CLUSTER_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_JEPSEN_CLUSTER_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "proto/rpc.grpc.pb.h"
#include "tests/harness/process.h"
#include "tests/harness/temp_dir.h"

namespace raftkv::jepsen {

struct JepsenClusterOptions {
  int size = 3;
  std::string binary;  // raftkv or /usr/bin/etcd
  // The first member's group id; member i runs with gid first_gid + i.
  int first_gid = 41000;
  std::vector<std::string> extra_flags;
};

class JepsenCluster {
 public:
  static absl::StatusOr<std::unique_ptr<JepsenCluster>> Start(const JepsenClusterOptions& options);
  ~JepsenCluster();  // SIGCONT + SIGKILL every member still running

  int size() const { return static_cast<int>(members_.size()); }
  std::string ClientEndpoint(int member) const;
  std::vector<std::string> ClientEndpoints() const;
  int PeerPort(int member) const { return members_[member].peer_port; }
  int Gid(int member) const { return options_.first_gid + member; }
  std::string Log(int member) const;
  // One channel per member, reused across restarts.
  etcdserverpb::KV::Stub& Kv(int member) { return *members_[member].kv; }
  std::shared_ptr<grpc::Channel> Channel(int member) { return members_[member].channel; }

  void Kill(int member);
  absl::Status Restart(int member);
  void Pause(int member);   // SIGSTOP
  void Resume(int member);  // SIGCONT
  bool Running(int member);

  // The leader every reachable member agrees on within `timeout`, or -1.
  int WaitForLeader(std::chrono::milliseconds timeout);
  // The leader as seen by any one member right now, or -1.
  int CurrentLeader();

 private:
  struct Member {
    std::string name;
    int client_port = 0;
    int peer_port = 0;
    std::string data_dir;
    std::string log_path;
    uint64_t id = 0;
    std::unique_ptr<harness::Process> process;
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<etcdserverpb::KV::Stub> kv;
    std::unique_ptr<etcdserverpb::Maintenance::Stub> maintenance;
  };

  explicit JepsenCluster(JepsenClusterOptions options) : options_(std::move(options)) {}
  absl::Status Launch(int member);
  absl::StatusOr<etcdserverpb::StatusResponse> Status(int member);
  int IndexOfId(uint64_t id);

  JepsenClusterOptions options_;
  harness::TempDir dir_;
  std::string initial_cluster_;
  std::string token_;
  std::vector<Member> members_;
  std::mutex mu_;  // guards process pointers against concurrent nemesis/checker use
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_JEPSEN_CLUSTER_H_
