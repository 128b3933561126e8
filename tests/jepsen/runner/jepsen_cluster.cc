#include "tests/jepsen/runner/jepsen_cluster.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/harness/network.h"

namespace raftkv::jepsen {
namespace {

std::string Url(int port) { return absl::StrCat("http://127.0.0.1:", port); }

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& endpoint) {
  grpc::ChannelArguments args;
  // Members come back within seconds after a kill: reconnect quickly.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  return grpc::CreateCustomChannel(endpoint, grpc::InsecureChannelCredentials(), args);
}

}  // namespace

absl::StatusOr<std::unique_ptr<JepsenCluster>> JepsenCluster::Start(
    const JepsenClusterOptions& options) {
  std::unique_ptr<JepsenCluster> cluster(new JepsenCluster(options));
  cluster->token_ = absl::StrCat("raftkv-jepsen-", getpid());
  std::vector<int> ports;
  auto fresh_port = [&ports] {
    int port;
    do port = harness::PickFreePort();
    while (std::count(ports.begin(), ports.end(), port) != 0);
    ports.push_back(port);
    return port;
  };
  std::vector<std::string> peers;
  for (int i = 0; i < options.size; ++i) {
    Member member;
    member.name = absl::StrCat("m", i);
    member.client_port = fresh_port();
    member.peer_port = fresh_port();
    member.data_dir = absl::StrCat(cluster->dir_.path(), "/", member.name);
    member.log_path = absl::StrCat(cluster->dir_.path(), "/", member.name, ".log");
    member.channel = MakeChannel(absl::StrCat("127.0.0.1:", member.client_port));
    member.kv = etcdserverpb::KV::NewStub(member.channel);
    member.maintenance = etcdserverpb::Maintenance::NewStub(member.channel);
    peers.push_back(absl::StrCat(member.name, "=", Url(member.peer_port)));
    cluster->members_.push_back(std::move(member));
  }
  cluster->initial_cluster_ = absl::StrJoin(peers, ",");
  for (int i = 0; i < options.size; ++i) {
    if (absl::Status launched = cluster->Launch(i); !launched.ok()) return launched;
  }
  if (cluster->WaitForLeader(std::chrono::seconds(30)) < 0) {
    return absl::DeadlineExceededError("members did not agree on a leader within 30s");
  }
  return cluster;
}

JepsenCluster::~JepsenCluster() {
  for (Member& member : members_) {
    if (!member.process) continue;
    kill(member.process->pid(), SIGCONT);
    member.process->Kill();
  }
}

absl::Status JepsenCluster::Launch(int index) {
  Member& member = members_[index];
  std::vector<std::string> argv = {
      "/usr/bin/setpriv",
      absl::StrCat("--regid=", Gid(index)),
      "--clear-groups",
      options_.binary,
      "--name=" + member.name,
      "--data-dir=" + member.data_dir,
      "--listen-client-urls=" + Url(member.client_port),
      "--advertise-client-urls=" + Url(member.client_port),
      "--listen-peer-urls=" + Url(member.peer_port),
      "--initial-advertise-peer-urls=" + Url(member.peer_port),
      "--initial-cluster=" + initial_cluster_,
      "--initial-cluster-state=new",
      "--initial-cluster-token=" + token_,
      // Fast elections keep fault windows short; same values for raftkv and etcd.
      "--heartbeat-interval=50",
      "--election-timeout=500",
  };
  argv.insert(argv.end(), options_.extra_flags.begin(), options_.extra_flags.end());
  auto process = harness::Process::Spawn(argv, member.log_path);
  if (!process.ok()) return process.status();
  {
    std::lock_guard<std::mutex> lock(mu_);
    member.process = std::move(*process);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (
      !harness::WaitForTcpPort("127.0.0.1", member.client_port, std::chrono::milliseconds(100))) {
    if (!Running(index) || std::chrono::steady_clock::now() >= deadline) {
      return absl::UnavailableError(
          absl::StrCat("member ", member.name, " did not listen; log:\n", Log(index)));
    }
  }
  return absl::OkStatus();
}

std::string JepsenCluster::ClientEndpoint(int member) const {
  return absl::StrCat("127.0.0.1:", members_[member].client_port);
}

std::vector<std::string> JepsenCluster::ClientEndpoints() const {
  std::vector<std::string> out;
  for (int i = 0; i < size(); ++i) out.push_back(ClientEndpoint(i));
  return out;
}

std::string JepsenCluster::Log(int member) const {
  std::ifstream in(members_[member].log_path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void JepsenCluster::Kill(int member) {
  std::lock_guard<std::mutex> lock(mu_);
  if (members_[member].process) members_[member].process->Kill();
}

absl::Status JepsenCluster::Restart(int member) {
  if (Running(member)) return absl::FailedPreconditionError("member is still running");
  return Launch(member);
}

void JepsenCluster::Pause(int member) {
  std::lock_guard<std::mutex> lock(mu_);
  if (members_[member].process) kill(members_[member].process->pid(), SIGSTOP);
}

void JepsenCluster::Resume(int member) {
  std::lock_guard<std::mutex> lock(mu_);
  if (members_[member].process) kill(members_[member].process->pid(), SIGCONT);
}

bool JepsenCluster::Running(int member) {
  std::lock_guard<std::mutex> lock(mu_);
  return members_[member].process != nullptr && members_[member].process->Running();
}

absl::StatusOr<etcdserverpb::StatusResponse> JepsenCluster::Status(int member) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  etcdserverpb::StatusResponse response;
  grpc::Status status =
      members_[member].maintenance->Status(&context, etcdserverpb::StatusRequest(), &response);
  if (!status.ok()) return absl::UnavailableError(status.error_message());
  members_[member].id = response.header().member_id();
  return response;
}

int JepsenCluster::IndexOfId(uint64_t id) {
  for (int i = 0; i < size(); ++i) {
    if (members_[i].id == 0) (void)Status(i);
    if (members_[i].id == id) return i;
  }
  return -1;
}

int JepsenCluster::CurrentLeader() {
  for (int i = 0; i < size(); ++i) {
    auto status = Status(i);
    if (status.ok() && status->leader() != 0) return IndexOfId(status->leader());
  }
  return -1;
}

int JepsenCluster::WaitForLeader(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    uint64_t agreed = 0;
    bool all_agree = true;
    for (int i = 0; i < size() && all_agree; ++i) {
      auto status = Status(i);
      if (!status.ok() || status->leader() == 0 || (agreed != 0 && agreed != status->leader())) {
        all_agree = false;
      } else {
        agreed = status->leader();
      }
    }
    if (all_agree && agreed != 0) return IndexOfId(agreed);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -1;
}

}  // namespace raftkv::jepsen
