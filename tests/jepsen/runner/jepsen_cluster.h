// The cluster under test for the Jepsen-style runner: members of raftkv (or of the
// reference etcd 3.4), by default three. Where they live is a HostNetwork: preferably each in
// its own network namespace on a bridge (own IP, links cut by blackhole routes), else all on
// 127.0.0.1 under their own group id (links cut by iptables owner matches). Members can
// also be removed from the cluster (MemberRemove, data wiped) and added back as new members.
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
#include "tests/jepsen/runner/host_network.h"

namespace raftkv::jepsen {

enum class HostMode {
  kAuto,      // network namespaces when they can be created, else loopback
  kNetns,     // network namespaces or fail
  kLoopback,  // 127.0.0.1 + per-member gid + iptables
};

struct JepsenClusterOptions {
  int size = 3;        // 1..9; 5 makes ring and bridge partitions meaningful
  std::string binary;  // raftkv or /usr/bin/etcd
  HostMode hosts = HostMode::kAuto;
  // Loopback mode: the first member's group id; member i runs with gid first_gid + i.
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
  // The address member `member` listens on (its own IP in netns mode, else 127.0.0.1).
  std::string Address(int member) const { return hosts_->Address(member); }
  std::string PeerUrl(int member) const;
  // Where the members live and how links between them are cut.
  HostNetwork& network() { return *hosts_; }
  // Empty in netns mode; otherwise why the members share 127.0.0.1.
  const std::string& host_note() const { return host_note_; }
  std::string Log(int member) const;
  // One channel per member, reused across restarts.
  etcdserverpb::KV::Stub& Kv(int member) { return *members_[member].kv; }
  std::shared_ptr<grpc::Channel> Channel(int member) { return members_[member].channel; }

  void Kill(int member);
  absl::Status Restart(int member);
  void Pause(int member);   // SIGSTOP
  void Resume(int member);  // SIGCONT
  bool Running(int member);

  // Removes the member from the cluster through another member (MemberRemove), kills it
  // and wipes its data directory. Retries transient refusals for up to 15 s.
  absl::Status RemoveMember(int member);
  // Adds a removed member back (MemberAdd: a new member id) and starts it with an empty
  // data directory and --initial-cluster-state=existing. Retries for up to 30 s (etcd
  // refuses adds until every member has been connected for a while).
  absl::Status AddMemberBack(int member);
  bool Removed(int member);

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
    std::string initial_cluster;
    std::string initial_state = "new";
    bool removed = false;
    uint64_t id = 0;
    std::unique_ptr<harness::Process> process;
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<etcdserverpb::KV::Stub> kv;
    std::unique_ptr<etcdserverpb::Maintenance::Stub> maintenance;
    std::unique_ptr<etcdserverpb::Cluster::Stub> cluster;
  };

  explicit JepsenCluster(JepsenClusterOptions options) : options_(std::move(options)) {}
  absl::Status Launch(int member);
  absl::Status SetUpHosts();
  absl::StatusOr<etcdserverpb::StatusResponse> Status(int member);
  int IndexOfId(uint64_t id);
  int IndexOfPeerUrl(const std::string& url) const;
  // Members other than `member` that are running and in the cluster.
  std::vector<int> OthersInCluster(int member);
  absl::StatusOr<uint64_t> LookUpMemberId(int member);
  absl::StatusOr<std::string> InitialClusterFrom(
      const google::protobuf::RepeatedPtrField<etcdserverpb::Member>& members) const;

  JepsenClusterOptions options_;
  harness::TempDir dir_;
  std::string token_;
  std::string host_note_;
  // Declared before the members: destroyed after them, once every process is gone.
  std::unique_ptr<HostNetwork> hosts_;
  std::vector<Member> members_;
  std::mutex mu_;  // guards process pointers against concurrent nemesis/checker use
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_JEPSEN_CLUSTER_H_
