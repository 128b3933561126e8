#include "tests/jepsen/runner/host_netns.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/harness/command.h"
#include "tests/jepsen/runner/host_socket.h"

namespace raftkv::jepsen {
namespace {

constexpr char kIp[] = "/usr/sbin/ip";
constexpr char kNsenter[] = "/usr/bin/nsenter";
constexpr char kPrefix[] = "rkj";
// Serialises subnet choice between concurrent runs (all of them see the same /tmp).
constexpr char kSubnetLock[] = "/tmp/raftkv-jepsen-netns.lock";
constexpr int kMaxMembers = 9;  // keeps interface names within IFNAMSIZ

std::atomic<int> g_next_instance{0};

harness::CommandResult Ip(std::vector<std::string> args) {
  args.insert(args.begin(), kIp);
  harness::CommandOptions options;
  options.timeout = std::chrono::seconds(10);
  return harness::RunCommand(args, options);
}

absl::Status IpOrError(const std::vector<std::string>& args) {
  harness::CommandResult result = Ip(args);
  if (result.exit_code == 0) return absl::OkStatus();
  return absl::UnavailableError(
      absl::StrCat("ip ", absl::StrJoin(args, " "), ": ", absl::StripAsciiWhitespace(result.err)));
}

bool ProcessIsGone(int pid) { return kill(pid, 0) != 0 && errno == ESRCH; }

// The owner pid of a name this class creates ("rkj<pid>{n,b,v}..."), or -1.
int OwnerPid(absl::string_view name) {
  if (!absl::ConsumePrefix(&name, kPrefix)) return -1;
  const size_t digits = name.find_first_not_of("0123456789");
  if (digits == 0 || digits == absl::string_view::npos) return -1;
  if (name[digits] != 'n' && name[digits] != 'b' && name[digits] != 'v') return -1;
  int pid = -1;
  if (!absl::SimpleAtoi(name.substr(0, digits), &pid) || pid <= 0) return -1;
  return pid;
}

// Holds an exclusive flock for its lifetime (or fails after `timeout`).
class FileLock {
 public:
  static absl::StatusOr<std::unique_ptr<FileLock>> Acquire(const char* path,
                                                           std::chrono::milliseconds timeout) {
    const int fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0666);
    if (fd < 0) return absl::UnavailableError(absl::StrCat("open ", path, ": ", strerror(errno)));
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        close(fd);
        return absl::DeadlineExceededError(absl::StrCat("lock ", path, " held too long"));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::unique_ptr<FileLock>(new FileLock(fd));
  }
  ~FileLock() { close(fd_); }  // closing releases the lock

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

// Third octets of every 10.77.x.y address configured on this machine's root namespace.
std::set<int> SubnetsInUse() {
  std::set<int> used;
  harness::CommandResult listed = Ip({"-4", "-o", "addr", "show"});
  for (absl::string_view word : absl::StrSplit(listed.out, absl::ByAnyChar(" \n\t"))) {
    if (!absl::ConsumePrefix(&word, "10.77.")) continue;
    int octet = -1;
    if (absl::SimpleAtoi(word.substr(0, word.find('.')), &octet)) used.insert(octet);
  }
  return used;
}

}  // namespace

NetnsHosts::NetnsHosts(int size, int instance) : size_(size), instance_(instance) {}

absl::StatusOr<std::unique_ptr<NetnsHosts>> NetnsHosts::Create(int size) {
  if (size < 1 || size > kMaxMembers) {
    return absl::InvalidArgumentError(absl::StrCat("netns hosts: 1..", kMaxMembers, " members"));
  }
  if (access(kIp, X_OK) != 0 || access(kNsenter, X_OK) != 0) {
    return absl::NotFoundError("netns hosts need /usr/sbin/ip and /usr/bin/nsenter");
  }
  std::unique_ptr<NetnsHosts> hosts(new NetnsHosts(size, g_next_instance++ % 100));
  // On error the destructor removes whatever part was built.
  if (absl::Status built = hosts->Build(); !built.ok()) return built;
  if (absl::Status connected = hosts->CheckConnectivity(); !connected.ok()) return connected;
  return hosts;
}

void NetnsHosts::SweepDeadOwners() {
  harness::CommandResult namespaces = Ip({"netns", "list"});
  for (absl::string_view line : absl::StrSplit(namespaces.out, '\n', absl::SkipEmpty())) {
    const std::string name(line.substr(0, line.find(' ')));
    const int pid = OwnerPid(name);
    if (pid > 0 && ProcessIsGone(pid)) Ip({"netns", "del", name});
  }
  harness::CommandResult links = Ip({"-o", "link", "show"});
  for (absl::string_view line : absl::StrSplit(links.out, '\n', absl::SkipEmpty())) {
    // "7: rkj123v0m1@if2: <BROADCAST,...": the name sits between the first ": " and '@'/':'.
    const size_t start = line.find(": ");
    if (start == absl::string_view::npos) continue;
    absl::string_view name = line.substr(start + 2);
    name = name.substr(0, name.find_first_of("@:"));
    const int pid = OwnerPid(name);
    if (pid > 0 && ProcessIsGone(pid)) Ip({"link", "del", std::string(name)});
  }
}

NetnsHosts::~NetnsHosts() {
  // Deleting a namespace also destroys the veth inside it, hence its root-side peer.
  for (int member : namespaces_created_) Ip({"netns", "del", NamespaceName(member)});
  if (bridge_created_) Ip({"link", "del", BridgeName()});
}

std::string NetnsHosts::NamespaceName(int member) const {
  return absl::StrCat(kPrefix, getpid(), "n", instance_, "m", member);
}

std::string NetnsHosts::BridgeName() const {
  return absl::StrCat(kPrefix, getpid(), "b", instance_);
}

std::string NetnsHosts::VethName(int member) const {
  return absl::StrCat(kPrefix, getpid(), "v", instance_, "m", member);
}

std::string NetnsHosts::Address(int member) const {
  return absl::StrCat("10.77.", subnet_, ".", member + 1);
}

std::string NetnsHosts::BridgeAddress() const { return absl::StrCat("10.77.", subnet_, ".254"); }

std::vector<std::string> NetnsHosts::LaunchPrefix(int member) const {
  // nsenter execs the command in place (no fork), so the member's pid is the spawned pid:
  // SIGSTOP and SIGKILL reach the member itself.
  return {kNsenter, absl::StrCat("--net=/run/netns/", NamespaceName(member)), "--"};
}

absl::Status NetnsHosts::Build() {
  {
    auto lock = FileLock::Acquire(kSubnetLock, std::chrono::seconds(10));
    if (!lock.ok()) return lock.status();
    const std::set<int> used = SubnetsInUse();
    for (int i = 0; i < 250 && subnet_ < 0; ++i) {
      const int candidate = (getpid() + instance_ + i) % 250;
      if (used.count(candidate) == 0) subnet_ = candidate;
    }
    if (subnet_ < 0) return absl::ResourceExhaustedError("no free 10.77.x.0/24 subnet");
    if (absl::Status added = IpOrError({"link", "add", BridgeName(), "type", "bridge"});
        !added.ok()) {
      return added;
    }
    bridge_created_ = true;
    // The address claims the subnet: once it is visible, other runs skip it.
    if (absl::Status addressed =
            IpOrError({"addr", "add", BridgeAddress() + "/24", "dev", BridgeName()});
        !addressed.ok()) {
      return addressed;
    }
  }
  if (absl::Status up = IpOrError({"link", "set", BridgeName(), "up"}); !up.ok()) return up;
  for (int member = 0; member < size_; ++member) {
    const std::string ns = NamespaceName(member);
    if (absl::Status added = IpOrError({"netns", "add", ns}); !added.ok()) return added;
    namespaces_created_.push_back(member);
    const std::vector<std::vector<std::string>> steps = {
        {"link", "add", VethName(member), "type", "veth", "peer", "name", "eth0", "netns", ns},
        {"link", "set", VethName(member), "master", BridgeName(), "up"},
        {"-n", ns, "addr", "add", Address(member) + "/24", "dev", "eth0"},
        {"-n", ns, "link", "set", "eth0", "up"},
        {"-n", ns, "link", "set", "lo", "up"},
    };
    for (const auto& step : steps) {
      if (absl::Status done = IpOrError(step); !done.ok()) return done;
    }
  }
  return absl::OkStatus();
}

absl::Status NetnsHosts::RunInNamespace(int member, const std::function<void()>& body) const {
  absl::Status entered;
  const std::string path = absl::StrCat("/run/netns/", NamespaceName(member));
  // setns on a fresh thread: only that thread changes namespace, the process stays put.
  std::thread thread([&] {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      entered = absl::UnavailableError(absl::StrCat("open ", path, ": ", strerror(errno)));
      return;
    }
    const int joined = setns(fd, CLONE_NEWNET);
    const int error = errno;
    close(fd);
    if (joined != 0) {
      entered = absl::UnavailableError(absl::StrCat("setns ", path, ": ", strerror(error)));
      return;
    }
    body();
  });
  thread.join();
  return entered;
}

absl::Status NetnsHosts::CheckConnectivity() const {
  int listener = -1;
  int port = 0;
  absl::Status entered = RunInNamespace(0, [&] { listener = ListenOnAnyPort(Address(0), &port); });
  if (!entered.ok()) return entered;
  if (listener < 0) return absl::UnavailableError("cannot listen inside member 0's namespace");
  const auto timeout = std::chrono::seconds(5);
  absl::Status result;
  if (!WaitUntilConnectable(Address(0), port, timeout)) {
    result = absl::UnavailableError("root namespace cannot reach member 0 over the bridge");
  } else if (size_ > 1) {
    bool reached = false;
    entered = RunInNamespace(1, [&] { reached = WaitUntilConnectable(Address(0), port, timeout); });
    if (!entered.ok()) {
      result = entered;
    } else if (!reached) {
      result = absl::UnavailableError("member 1 cannot reach member 0 over the bridge");
    }
  }
  close(listener);
  return result;
}

absl::Status NetnsHosts::AddRoute(int in_member, int to_member) {
  return IpOrError(
      {"-n", NamespaceName(in_member), "route", "add", "blackhole", Address(to_member) + "/32"});
}

absl::Status NetnsHosts::DeleteRoute(int in_member, int to_member) {
  return IpOrError(
      {"-n", NamespaceName(in_member), "route", "del", "blackhole", Address(to_member) + "/32"});
}

absl::Status NetnsHosts::Cut(const std::vector<Link>& links) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Link> added;
  auto undo = [&] {
    for (const Link& link : added) {
      (void)DeleteRoute(link.a, link.b);
      (void)DeleteRoute(link.b, link.a);
    }
  };
  for (const Link& link : links) {
    if (link.a < 0 || link.b < 0 || link.a >= size_ || link.b >= size_ || link.a == link.b) {
      undo();
      return absl::InvalidArgumentError(absl::StrCat("bad link ", link.a, "-", link.b));
    }
    if (std::find(cut_.begin(), cut_.end(), link) != cut_.end() ||
        std::find(added.begin(), added.end(), link) != added.end()) {
      continue;
    }
    absl::Status there = AddRoute(link.a, link.b);
    if (!there.ok()) {
      undo();
      return there;
    }
    if (absl::Status back = AddRoute(link.b, link.a); !back.ok()) {
      (void)DeleteRoute(link.a, link.b);
      undo();
      return back;
    }
    added.push_back(link);
  }
  cut_.insert(cut_.end(), added.begin(), added.end());
  return absl::OkStatus();
}

absl::Status NetnsHosts::HealAll() {
  std::lock_guard<std::mutex> lock(mu_);
  absl::Status first_error;
  for (const Link& link : cut_) {
    for (absl::Status deleted : {DeleteRoute(link.a, link.b), DeleteRoute(link.b, link.a)}) {
      if (!deleted.ok() && first_error.ok()) first_error = deleted;
    }
  }
  cut_.clear();
  return first_error;
}

}  // namespace raftkv::jepsen
