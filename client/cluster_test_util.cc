#include "client/cluster_test_util.h"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/harness/network.h"

namespace raftkv::client::testing {
namespace {

constexpr char kEtcdBinary[] = "/usr/bin/etcd";
constexpr char kEtcdctlBinary[] = "/usr/bin/etcdctl";

std::string Url(int port) { return absl::StrCat("http://127.0.0.1:", port); }

}  // namespace

bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

absl::StatusOr<std::unique_ptr<EtcdCluster>> EtcdCluster::Start(int members) {
  std::unique_ptr<EtcdCluster> cluster(new EtcdCluster());
  std::set<int> used;
  auto fresh_port = [&used] {
    int port;
    do port = harness::PickFreePort();
    while (used.count(port) != 0);
    used.insert(port);
    return port;
  };
  std::vector<std::string> peers;
  for (int i = 0; i < members; ++i) {
    Member member;
    member.name = absl::StrCat("m", i);
    member.client_port = fresh_port();
    member.peer_port = fresh_port();
    member.data_dir = absl::StrCat(cluster->dir_.path(), "/", member.name);
    member.log_path = member.data_dir + ".log";
    peers.push_back(absl::StrCat(member.name, "=", Url(member.peer_port)));
    cluster->members_.push_back(std::move(member));
  }
  cluster->initial_cluster_ = absl::StrJoin(peers, ",");
  cluster->token_ = absl::StrCat("raftkv-client-test-", getpid());
  for (Member& member : cluster->members_) {
    if (absl::Status launched = cluster->Launch(member); !launched.ok()) return launched;
  }
  if (absl::Status healthy = cluster->WaitHealthy(std::chrono::seconds(30)); !healthy.ok()) {
    return healthy;
  }
  return cluster;
}

EtcdCluster::~EtcdCluster() {
  for (Member& member : members_) {
    if (member.process == nullptr) continue;
    if (member.paused) kill(member.process->pid(), SIGCONT);
    member.process->Kill();
  }
}

absl::Status EtcdCluster::Launch(Member& member) {
  std::vector<std::string> argv = {
      kEtcdBinary,
      "--name=" + member.name,
      "--data-dir=" + member.data_dir,
      "--listen-client-urls=" + Url(member.client_port),
      "--advertise-client-urls=" + Url(member.client_port),
      "--listen-peer-urls=" + Url(member.peer_port),
      "--initial-advertise-peer-urls=" + Url(member.peer_port),
      "--initial-cluster=" + initial_cluster_,
      "--initial-cluster-token=" + token_,
      "--initial-cluster-state=new",
      // Fast elections keep failover tests short.
      "--heartbeat-interval=50",
      "--election-timeout=500",
      // Lets test clients ping every second to notice paused members quickly.
      "--grpc-keepalive-min-time=500ms",
      "--logger=zap",
      "--log-level=warn",
  };
  auto process = harness::Process::Spawn(argv, member.log_path);
  if (!process.ok()) return process.status();
  member.process = std::move(*process);
  member.paused = false;
  if (!harness::WaitForTcpPort("127.0.0.1", member.client_port, std::chrono::seconds(20))) {
    return absl::DeadlineExceededError(absl::StrCat("etcd ", member.name, " did not listen"));
  }
  return absl::OkStatus();
}

std::string EtcdCluster::ClientEndpoint(int member) const {
  return absl::StrCat("127.0.0.1:", members_[member].client_port);
}

std::vector<std::string> EtcdCluster::ClientEndpoints() const {
  std::vector<std::string> out;
  for (int i = 0; i < size(); ++i) out.push_back(ClientEndpoint(i));
  return out;
}

std::string EtcdCluster::EndpointsFlag() const {
  return "--endpoints=" + absl::StrJoin(ClientEndpoints(), ",");
}

int EtcdCluster::IndexOf(const std::string& endpoint) const {
  for (int i = 0; i < size(); ++i) {
    if (ClientEndpoint(i) == StripScheme(endpoint)) return i;
  }
  return -1;
}

void EtcdCluster::Kill(int member) {
  Member& m = members_[member];
  if (m.paused) kill(m.process->pid(), SIGCONT);
  m.process->Kill();
  m.process.reset();
  m.paused = false;
}

absl::Status EtcdCluster::Restart(int member) {
  if (members_[member].process) Kill(member);
  return Launch(members_[member]);
}

void EtcdCluster::Pause(int member) {
  kill(members_[member].process->pid(), SIGSTOP);
  members_[member].paused = true;
}

void EtcdCluster::Resume(int member) {
  kill(members_[member].process->pid(), SIGCONT);
  members_[member].paused = false;
}

ClientOptions EtcdCluster::Options(std::vector<std::string> endpoints) const {
  ClientOptions options;
  options.endpoints = endpoints.empty() ? ClientEndpoints() : std::move(endpoints);
  options.dial_timeout = std::chrono::milliseconds(500);
  options.request_timeout = std::chrono::milliseconds(1500);
  options.channel.keepalive_time = std::chrono::milliseconds(1000);
  options.channel.keepalive_timeout = std::chrono::milliseconds(1000);
  options.max_attempts = 8;
  return options;
}

absl::StatusOr<std::unique_ptr<Client>> EtcdCluster::Connect(
    std::vector<std::string> endpoints) const {
  return Client::Connect(Options(std::move(endpoints)));
}

int EtcdCluster::WaitForLeader(std::chrono::milliseconds timeout) {
  int leader = -1;
  auto probe = [&] {
    ClientOptions options = Options();
    options.discover_members = false;
    for (int i = 0; i < size(); ++i) {
      if (!members_[i].process || members_[i].paused) continue;
      options.endpoints = {ClientEndpoint(i)};
      auto client = Client::Connect(options);
      if (!client.ok()) continue;
      auto status = (*client)->Status(ClientEndpoint(i));
      if (!status.ok() || status->leader() == 0) continue;
      for (int j = 0; j < size(); ++j) {
        if (!members_[j].process || members_[j].paused) continue;
        auto other = (*client)->Status(ClientEndpoint(j));
        if (other.ok() && other->header().member_id() == status->leader()) {
          leader = j;
          return true;
        }
      }
    }
    return false;
  };
  return Eventually(probe, timeout) ? leader : -1;
}

absl::Status EtcdCluster::WaitHealthy(std::chrono::milliseconds timeout) {
  auto agreed = [&] {
    ClientOptions options = Options();
    options.discover_members = false;
    auto client = Client::Connect(options);
    if (!client.ok()) return false;
    uint64_t leader = 0;
    for (int i = 0; i < size(); ++i) {
      if (!members_[i].process || members_[i].paused) continue;
      auto status = (*client)->Status(ClientEndpoint(i));
      if (!status.ok() || status->leader() == 0) return false;
      if (leader != 0 && status->leader() != leader) return false;
      leader = status->leader();
    }
    return true;
  };
  if (Eventually(agreed, timeout)) return absl::OkStatus();
  return absl::DeadlineExceededError("etcd cluster did not become healthy");
}

std::string EtcdCluster::Etcdctl::Output() const {
  std::ifstream in(log_path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool EtcdCluster::Etcdctl::WaitOutput(const std::string& text,
                                      std::chrono::milliseconds timeout) const {
  return Eventually([&] { return Output().find(text) != std::string::npos; }, timeout);
}

absl::StatusOr<EtcdCluster::Etcdctl> EtcdCluster::SpawnEtcdctl(
    const std::vector<std::string>& args) {
  Etcdctl etcdctl;
  etcdctl.log_path = absl::StrCat(dir_.path(), "/etcdctl-", ++etcdctl_count_, ".log");
  std::vector<std::string> argv = {kEtcdctlBinary, EndpointsFlag()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto process = harness::Process::Spawn(argv, etcdctl.log_path);
  if (!process.ok()) return process.status();
  etcdctl.process = std::move(*process);
  return etcdctl;
}

}  // namespace raftkv::client::testing
