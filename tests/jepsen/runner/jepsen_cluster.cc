#include "tests/jepsen/runner/jepsen_cluster.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/harness/iptables_rules.h"
#include "tests/harness/network.h"
#include "tests/jepsen/runner/host_loopback.h"
#include "tests/jepsen/runner/host_netns.h"
#include "tests/jepsen/runner/host_socket.h"

namespace raftkv::jepsen {
namespace {

std::string Url(const std::string& address, int port) {
  return absl::StrCat("http://", address, ":", port);
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& endpoint) {
  grpc::ChannelArguments args;
  // Members come back within seconds after a kill: reconnect quickly.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  // This argument is also the connect timeout (TCP + the server's first SETTINGS frame):
  // at 100 ms a loaded etcd often answers too late and the channel never connects.
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 2000);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  return grpc::CreateCustomChannel(endpoint, grpc::InsecureChannelCredentials(), args);
}

}  // namespace

absl::StatusOr<std::unique_ptr<JepsenCluster>> JepsenCluster::Start(
    const JepsenClusterOptions& options) {
  if (options.size < 1 || options.size > 9) {
    return absl::InvalidArgumentError("a Jepsen cluster has 1..9 members");
  }
  std::unique_ptr<JepsenCluster> cluster(new JepsenCluster(options));
  cluster->token_ = absl::StrCat("raftkv-jepsen-", getpid());
  if (absl::Status hosts = cluster->SetUpHosts(); !hosts.ok()) return hosts;
  std::vector<std::string> peers;
  for (int i = 0; i < options.size; ++i) {
    Member& member = cluster->members_[i];
    member.name = absl::StrCat("m", i);
    member.data_dir = absl::StrCat(cluster->dir_.path(), "/", member.name);
    member.log_path = absl::StrCat(cluster->dir_.path(), "/", member.name, ".log");
    member.channel = MakeChannel(cluster->ClientEndpoint(i));
    member.kv = etcdserverpb::KV::NewStub(member.channel);
    member.maintenance = etcdserverpb::Maintenance::NewStub(member.channel);
    member.cluster = etcdserverpb::Cluster::NewStub(member.channel);
    peers.push_back(absl::StrCat(member.name, "=", cluster->PeerUrl(i)));
  }
  for (Member& member : cluster->members_) member.initial_cluster = absl::StrJoin(peers, ",");
  for (int i = 0; i < options.size; ++i) {
    if (absl::Status launched = cluster->Launch(i); !launched.ok()) return launched;
  }
  if (cluster->WaitForLeader(std::chrono::seconds(30)) < 0) {
    std::string logs;
    for (int i = 0; i < options.size; ++i) {
      const std::string log = cluster->Log(i);
      absl::StrAppend(&logs, "\n---- m", i, " (", cluster->hosts_->Mode(), " ", cluster->Address(i),
                      ") ----\n", log.size() > 1500 ? log.substr(log.size() - 1500) : log);
    }
    return absl::DeadlineExceededError(
        absl::StrCat("members did not agree on a leader within 30s", logs));
  }
  return cluster;
}

absl::Status JepsenCluster::SetUpHosts() {
  members_.resize(options_.size);
  NetnsHosts::SweepDeadOwners();
  harness::IptablesRules::SweepDeadOwners();
  if (options_.hosts != HostMode::kLoopback) {
    auto netns = NetnsHosts::Create(options_.size);
    if (netns.ok()) {
      // Every member has its own address: the standard ports do not collide.
      for (Member& member : members_) {
        member.client_port = 2379;
        member.peer_port = 2380;
      }
      hosts_ = std::move(*netns);
      return absl::OkStatus();
    }
    if (options_.hosts == HostMode::kNetns) return netns.status();
    host_note_ = absl::StrCat("network namespaces unusable (", netns.status().ToString(),
                              "); members share 127.0.0.1");
  }
  if (options_.hosts == HostMode::kLoopback) host_note_ = "loopback hosts requested";
  std::vector<int> ports;
  auto fresh_port = [&ports] {
    int port;
    do port = harness::PickFreePort();
    while (std::count(ports.begin(), ports.end(), port) != 0);
    ports.push_back(port);
    return port;
  };
  std::vector<int> peer_ports;
  for (Member& member : members_) {
    member.client_port = fresh_port();
    member.peer_port = fresh_port();
    peer_ports.push_back(member.peer_port);
  }
  hosts_ = std::make_unique<LoopbackHosts>(peer_ports, options_.first_gid);
  return absl::OkStatus();
}

JepsenCluster::~JepsenCluster() {
  for (Member& member : members_) {
    if (!member.process) continue;
    kill(member.process->pid(), SIGCONT);
    member.process->Kill();
  }
  if (hosts_) (void)hosts_->HealAll();
}

std::string JepsenCluster::PeerUrl(int member) const {
  return Url(Address(member), members_[member].peer_port);
}

absl::Status JepsenCluster::Launch(int index) {
  Member& member = members_[index];
  const std::string client_url = Url(Address(index), member.client_port);
  const std::string peer_url = PeerUrl(index);
  std::vector<std::string> argv = hosts_->LaunchPrefix(index);
  const std::vector<std::string> flags = {
      options_.binary,
      "--name=" + member.name,
      "--data-dir=" + member.data_dir,
      "--listen-client-urls=" + client_url,
      "--advertise-client-urls=" + client_url,
      "--listen-peer-urls=" + peer_url,
      "--initial-advertise-peer-urls=" + peer_url,
      "--initial-cluster=" + member.initial_cluster,
      "--initial-cluster-state=" + member.initial_state,
      "--initial-cluster-token=" + token_,
      // Fast elections keep fault windows short; same values for raftkv and etcd.
      "--heartbeat-interval=50",
      "--election-timeout=500",
  };
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.insert(argv.end(), options_.extra_flags.begin(), options_.extra_flags.end());
  auto process = harness::Process::Spawn(argv, member.log_path);
  if (!process.ok()) return process.status();
  {
    std::lock_guard<std::mutex> lock(mu_);
    member.process = std::move(*process);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (
      !WaitUntilConnectable(Address(index), member.client_port, std::chrono::milliseconds(100))) {
    if (!Running(index) || std::chrono::steady_clock::now() >= deadline) {
      return absl::UnavailableError(
          absl::StrCat("member ", member.name, " did not listen (wait status ",
                       member.process->WaitForExit(std::chrono::milliseconds(0)).value_or(-1),
                       "); log:\n", Log(index)));
    }
  }
  return absl::OkStatus();
}

std::string JepsenCluster::ClientEndpoint(int member) const {
  return absl::StrCat(Address(member), ":", members_[member].client_port);
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
  // Its data is gone: starting it would bootstrap a second cluster. AddMemberBack instead.
  if (Removed(member)) return absl::FailedPreconditionError("member was removed");
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
    if (Removed(i)) continue;
    if (members_[i].id == 0) (void)Status(i);
    if (members_[i].id == id) return i;
  }
  return -1;
}

int JepsenCluster::CurrentLeader() {
  for (int i = 0; i < size(); ++i) {
    if (Removed(i)) continue;
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
      if (Removed(i)) continue;  // not part of the cluster right now
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

bool JepsenCluster::Removed(int member) {
  std::lock_guard<std::mutex> lock(mu_);
  return members_[member].removed;
}

int JepsenCluster::IndexOfPeerUrl(const std::string& url) const {
  for (int i = 0; i < size(); ++i) {
    if (PeerUrl(i) == url) return i;
  }
  return -1;
}

std::vector<int> JepsenCluster::OthersInCluster(int member) {
  std::vector<int> others;
  for (int i = 0; i < size(); ++i) {
    if (i != member && !Removed(i) && Running(i)) others.push_back(i);
  }
  return others;
}

absl::StatusOr<uint64_t> JepsenCluster::LookUpMemberId(int member) {
  absl::Status last = absl::UnavailableError("no other member is running");
  for (int other : OthersInCluster(member)) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    etcdserverpb::MemberListResponse response;
    grpc::Status listed =
        members_[other].cluster->MemberList(&context, etcdserverpb::MemberListRequest(), &response);
    if (!listed.ok()) {
      last = absl::UnavailableError(absl::StrCat("MemberList: ", listed.error_message()));
      continue;
    }
    for (const etcdserverpb::Member& listed_member : response.members()) {
      for (const std::string& url : listed_member.peerurls()) {
        if (url == PeerUrl(member)) return listed_member.id();
      }
    }
    return absl::NotFoundError(absl::StrCat(PeerUrl(member), " is not in the member list"));
  }
  return last;
}

absl::Status JepsenCluster::RemoveMember(int member) {
  if (Removed(member)) return absl::FailedPreconditionError("member already removed");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  absl::Status last = absl::UnavailableError("not tried");
  bool removed = false;
  while (!removed && std::chrono::steady_clock::now() < deadline) {
    auto id = LookUpMemberId(member);
    // Not in the list: an earlier attempt was applied although its reply was lost.
    if (absl::IsNotFound(id.status())) break;
    if (!id.ok()) last = id.status();
    for (int other : OthersInCluster(member)) {
      if (!id.ok() || removed) break;
      etcdserverpb::MemberRemoveRequest request;
      request.set_id(*id);
      etcdserverpb::MemberRemoveResponse response;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
      grpc::Status status = members_[other].cluster->MemberRemove(&context, request, &response);
      removed = status.ok() || status.error_code() == grpc::StatusCode::NOT_FOUND;
      if (!removed)
        last = absl::UnavailableError(absl::StrCat("MemberRemove: ", status.error_message()));
    }
    // etcd refuses while the remaining members would not form an active quorum.
    if (!removed) std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  if (!removed && !absl::IsNotFound(LookUpMemberId(member).status())) return last;
  Kill(member);
  std::error_code ignored;
  std::filesystem::remove_all(members_[member].data_dir, ignored);
  std::lock_guard<std::mutex> lock(mu_);
  members_[member].removed = true;
  members_[member].id = 0;
  return absl::OkStatus();
}

absl::StatusOr<std::string> JepsenCluster::InitialClusterFrom(
    const google::protobuf::RepeatedPtrField<etcdserverpb::Member>& members) const {
  std::vector<std::string> entries;
  for (const etcdserverpb::Member& listed : members) {
    if (listed.peerurls_size() == 0) continue;
    // Names come from our own table: a member that has not started yet has none in the list.
    const int index = IndexOfPeerUrl(listed.peerurls(0));
    if (index < 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("unknown member ", listed.peerurls(0), " in the member list"));
    }
    entries.push_back(absl::StrCat(members_[index].name, "=", listed.peerurls(0)));
  }
  return absl::StrJoin(entries, ",");
}

absl::Status JepsenCluster::AddMemberBack(int member) {
  // Already added (an earlier call whose start failed): only the process is missing.
  if (!Removed(member)) return Running(member) ? absl::OkStatus() : Restart(member);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  absl::Status last = absl::UnavailableError("no other member is running");
  std::optional<std::string> initial_cluster;
  while (!initial_cluster && std::chrono::steady_clock::now() < deadline) {
    for (int other : OthersInCluster(member)) {
      etcdserverpb::MemberAddRequest request;
      request.add_peerurls(PeerUrl(member));
      etcdserverpb::MemberAddResponse response;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
      grpc::Status status = members_[other].cluster->MemberAdd(&context, request, &response);
      if (status.ok()) {
        auto built = InitialClusterFrom(response.members());
        if (!built.ok()) return built.status();
        initial_cluster = *built;
        break;
      }
      last = absl::UnavailableError(absl::StrCat("MemberAdd: ", status.error_message()));
      // An earlier attempt was applied although its reply was lost: take the list as it is.
      if (absl::StrContains(status.error_message(), "exists")) {
        grpc::ClientContext list_context;
        list_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
        etcdserverpb::MemberListResponse listed;
        if (members_[other]
                .cluster->MemberList(&list_context, etcdserverpb::MemberListRequest(), &listed)
                .ok()) {
          auto built = InitialClusterFrom(listed.members());
          if (!built.ok()) return built.status();
          initial_cluster = *built;
          break;
        }
      }
    }
    // etcd refuses adds until the member has been connected to all peers for 5 s.
    if (!initial_cluster) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  if (!initial_cluster) return last;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Member& added = members_[member];
    added.initial_cluster = *initial_cluster;
    added.initial_state = "existing";
    added.removed = false;
    added.id = 0;
  }
  return Launch(member);
}

}  // namespace raftkv::jepsen
