#include "tests/cluster/raftkv_cluster.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/harness/network.h"
#include "tests/harness/runfiles.h"

namespace raftkv::cluster_test {
namespace {

std::string Url(int port) { return absl::StrCat("http://127.0.0.1:", port); }

}  // namespace

std::string RaftkvBinary() { return harness::RunfilePath("server/raftkv"); }

absl::StatusOr<std::unique_ptr<RaftkvCluster>> RaftkvCluster::Start(const ClusterOptions& options) {
  std::unique_ptr<RaftkvCluster> cluster(new RaftkvCluster(RaftkvBinary(), options));
  cluster->token_ = absl::StrCat("raftkv-cluster-test-", getpid());
  std::vector<int> all;
  for (int i = 0; i < options.size; ++i) all.push_back(cluster->AddSlot(absl::StrCat("n", i)));
  const std::string initial_cluster = cluster->InitialCluster(all);
  for (Member& member : cluster->members_) {
    member.initial_cluster = initial_cluster;
    member.initial_state = "new";
    if (absl::Status launched = cluster->Launch(member); !launched.ok()) return launched;
  }
  if (cluster->WaitForLeader(std::chrono::seconds(20)) < 0) {
    return absl::DeadlineExceededError("members did not agree on a leader within 20s");
  }
  return cluster;
}

RaftkvCluster::~RaftkvCluster() {
  for (Member& member : members_) {
    if (member.process) member.process->Kill();
  }
}

int RaftkvCluster::AddSlot(const std::string& name) {
  // Ports are released before the member binds them: never hand out the same one twice.
  auto fresh_port = [this] {
    int port;
    do port = harness::PickFreePort();
    while (std::count(reserved_ports_.begin(), reserved_ports_.end(), port) != 0);
    reserved_ports_.push_back(port);
    return port;
  };
  Member member;
  member.name = name;
  member.client_port = fresh_port();
  member.peer_port = fresh_port();
  member.data_dir = absl::StrCat(dir_.path(), "/", name);
  member.log_path = absl::StrCat(dir_.path(), "/", name, ".log");
  member.rpc = std::make_unique<MemberRpc>(absl::StrCat("127.0.0.1:", member.client_port));
  members_.push_back(std::move(member));
  return size() - 1;
}

std::string RaftkvCluster::InitialCluster(const std::vector<int>& members) const {
  std::vector<std::string> peers;
  for (int i : members) peers.push_back(absl::StrCat(Name(i), "=", PeerUrl(i)));
  return absl::StrJoin(peers, ",");
}

absl::Status RaftkvCluster::Launch(Member& member) {
  std::vector<std::string> argv = {
      binary_,
      "--name=" + member.name,
      "--data-dir=" + member.data_dir,
      "--listen-client-urls=" + Url(member.client_port),
      "--advertise-client-urls=" + Url(member.client_port),
      "--listen-peer-urls=" + Url(member.peer_port),
      "--initial-advertise-peer-urls=" + Url(member.peer_port),
      "--initial-cluster=" + member.initial_cluster,
      "--initial-cluster-state=" + member.initial_state,
      "--initial-cluster-token=" + token_,
      // Fast elections keep failover tests short.
      "--heartbeat-interval=50",
      "--election-timeout=500",
  };
  argv.insert(argv.end(), options_.extra_flags.begin(), options_.extra_flags.end());
  auto process = harness::Process::Spawn(argv, member.log_path);
  if (!process.ok()) return process.status();
  member.process = std::move(*process);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (
      !harness::WaitForTcpPort("127.0.0.1", member.client_port, std::chrono::milliseconds(100))) {
    if (!member.process->Running() || std::chrono::steady_clock::now() >= deadline) {
      return absl::UnavailableError(
          absl::StrCat("member ", member.name, " did not listen; log:\n", member.process->Log()));
    }
  }
  return absl::OkStatus();
}

std::string RaftkvCluster::ClientEndpoint(int member) const {
  return absl::StrCat("127.0.0.1:", members_[member].client_port);
}

std::string RaftkvCluster::PeerUrl(int member) const { return Url(members_[member].peer_port); }

std::string RaftkvCluster::Log(int member) const {
  std::ifstream in(members_[member].log_path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

bool RaftkvCluster::Running(int member) const {
  return members_[member].process != nullptr && members_[member].process->Running();
}

std::vector<int> RaftkvCluster::RunningMembers() const {
  std::vector<int> out;
  for (int i = 0; i < size(); ++i) {
    if (Running(i)) out.push_back(i);
  }
  return out;
}

std::string RaftkvCluster::EndpointsFlag(std::vector<int> members) const {
  if (members.empty()) members = RunningMembers();
  std::vector<std::string> endpoints;
  for (int i : members) endpoints.push_back(ClientEndpoint(i));
  return "--endpoints=" + absl::StrJoin(endpoints, ",");
}

void RaftkvCluster::Kill(int member) {
  if (members_[member].process) members_[member].process->Kill();
  members_[member].process.reset();
}

absl::Status RaftkvCluster::Stop(int member) {
  if (!members_[member].process) return absl::OkStatus();
  const int status = members_[member].process->Terminate(std::chrono::seconds(10));
  members_[member].process.reset();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(
      "member ", Name(member), " did not exit cleanly on SIGTERM, wait status ", status));
}

absl::Status RaftkvCluster::Restart(int member) {
  Kill(member);
  return Launch(members_[member]);
}

absl::Status RaftkvCluster::StartJoining(int member, const std::vector<int>& peers) {
  members_[member].initial_cluster = InitialCluster(peers);
  members_[member].initial_state = "existing";
  return Launch(members_[member]);
}

absl::StatusOr<uint64_t> RaftkvCluster::MemberId(int member) {
  if (members_[member].id != 0) return members_[member].id;
  auto status = Rpc(member).Status();
  if (!status.ok()) return status.status();
  members_[member].id = status->header().member_id();
  return members_[member].id;
}

int RaftkvCluster::IndexOfMemberId(uint64_t id) const {
  for (int i = 0; i < size(); ++i) {
    if (members_[i].id == id) return i;
  }
  return -1;
}

int RaftkvCluster::WaitForLeader(std::chrono::milliseconds timeout, std::vector<int> members) {
  int leader = -1;
  auto agreed = [&] {
    std::vector<int> asked = members.empty() ? RunningMembers() : members;
    if (asked.empty()) return false;
    uint64_t leader_id = 0;
    for (int i : asked) {
      auto status = Rpc(i).Status();
      if (!status.ok() || status->leader() == 0) return false;
      members_[i].id = status->header().member_id();
      if (leader_id != 0 && status->leader() != leader_id) return false;
      leader_id = status->leader();
    }
    // The leader must be a member we know and that is actually up.
    for (int i = 0; i < size(); ++i) {
      if (!Running(i)) continue;
      if (!MemberId(i).ok() || members_[i].id != leader_id) continue;
      leader = i;
      return true;
    }
    return false;
  };
  return Eventually(agreed, timeout) ? leader : -1;
}

}  // namespace raftkv::cluster_test
