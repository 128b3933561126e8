// Test fixture: a real multi-member raftkv cluster (//server:raftkv processes) on
// loopback with free ports and temporary data directories, with per-member fault
// injection (SIGKILL, SIGTERM, restart) and membership changes (start a member that
// joins an existing cluster). Every process still running is SIGKILLed on destruction,
// so a failing test never leaks members.
#ifndef RAFTKV_TESTS_CLUSTER_RAFTKV_CLUSTER_H_
#define RAFTKV_TESTS_CLUSTER_RAFTKV_CLUSTER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/cluster/member_rpc.h"
#include "tests/harness/eventually.h"
#include "tests/harness/process.h"
#include "tests/harness/temp_dir.h"

namespace raftkv::cluster_test {

struct ClusterOptions {
  int size = 3;
  // Appended to every member's command line, e.g. {"--snapshot-count=50"}.
  std::vector<std::string> extra_flags;
};

class RaftkvCluster {
 public:
  // Starts `size` members bootstrapping a new cluster and waits until they agree on a
  // leader.
  static absl::StatusOr<std::unique_ptr<RaftkvCluster>> Start(const ClusterOptions& options);
  ~RaftkvCluster();

  // Members are numbered 0..size()-1 in creation order (including added ones).
  int size() const { return static_cast<int>(members_.size()); }
  const std::string& Name(int member) const { return members_[member].name; }
  std::string ClientEndpoint(int member) const;  // "127.0.0.1:<port>"
  std::string PeerUrl(int member) const;         // "http://127.0.0.1:<port>"
  std::string DataDir(int member) const { return members_[member].data_dir; }
  // Everything the member has logged, across restarts.
  std::string Log(int member) const;
  bool Running(int member) const;
  std::vector<int> RunningMembers() const;
  MemberRpc& Rpc(int member) { return *members_[member].rpc; }
  // "--endpoints=a,b" for etcdctl; every running member when `members` is empty.
  std::string EndpointsFlag(std::vector<int> members = {}) const;

  // SIGKILL: no chance to flush or say goodbye.
  void Kill(int member);
  // SIGTERM; an error unless the member exits cleanly within the grace period.
  absl::Status Stop(int member);
  // Relaunches a stopped or killed member on the same ports and data directory.
  absl::Status Restart(int member);

  // Reserves ports, a name and a data directory for a member that is not started yet
  // (to be added with `etcdctl member add` first); returns its index.
  int AddSlot(const std::string& name);
  // Starts `member` with --initial-cluster-state=existing and an --initial-cluster
  // listing `peers` (indexes, normally every current member including `member`).
  absl::Status StartJoining(int member, const std::vector<int>& peers);

  // The member that every one of `members` (default: every running member) reports as
  // leader, or -1 if they do not agree on a running leader within `timeout`.
  int WaitForLeader(std::chrono::milliseconds timeout, std::vector<int> members = {});
  // The member's raft id (from its Status header), remembered once seen.
  absl::StatusOr<uint64_t> MemberId(int member);
  // Index of the member with raft id `id`, -1 if unknown.
  int IndexOfMemberId(uint64_t id) const;

 private:
  struct Member {
    std::string name;
    int client_port = 0;
    int peer_port = 0;
    std::string data_dir;
    std::string log_path;
    // The bootstrap flags it was first launched with, reused on restart.
    std::string initial_cluster;
    std::string initial_state;
    uint64_t id = 0;
    std::unique_ptr<harness::Process> process;
    std::unique_ptr<MemberRpc> rpc;
  };

  RaftkvCluster(std::string binary, ClusterOptions options)
      : binary_(std::move(binary)), options_(std::move(options)) {}
  absl::Status Launch(Member& member);
  std::string InitialCluster(const std::vector<int>& members) const;

  std::string binary_;
  ClusterOptions options_;
  harness::TempDir dir_;
  std::string token_;
  std::vector<int> reserved_ports_;
  std::vector<Member> members_;
};

// Waits on a condition with a deadline (tests/harness/eventually.h).
using harness::Eventually;

// Path of the raftkv binary shipped as a data dependency.
std::string RaftkvBinary();

}  // namespace raftkv::cluster_test

#endif  // RAFTKV_TESTS_CLUSTER_RAFTKV_CLUSTER_H_
