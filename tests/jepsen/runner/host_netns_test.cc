// NetnsHosts against the real kernel: members in namespaces reach each other and are
// reachable from the root namespace; a cut link blocks exactly that pair, both ways, and
// heal restores it; every namespace and link is gone after destruction, and leftovers of a
// dead process are swept. Needs root (CAP_SYS_ADMIN/CAP_NET_ADMIN); skipped otherwise.
#include "tests/jepsen/runner/host_netns.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/harness/command.h"
#include "tests/jepsen/runner/host_socket.h"

namespace raftkv::jepsen {
namespace {

constexpr std::chrono::milliseconds kShort{500};

std::string IpOutput(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/sbin/ip"};
  argv.insert(argv.end(), args.begin(), args.end());
  return harness::RunCommand(argv).out;
}

bool NetnsUsable() { return geteuid() == 0 && access("/usr/sbin/ip", X_OK) == 0; }

// A listener inside each member's namespace, on the member's address.
class Listeners {
 public:
  explicit Listeners(const NetnsHosts& hosts) : hosts_(hosts) {
    for (int member = 0; member < hosts.size(); ++member) {
      int fd = -1;
      int port = 0;
      EXPECT_TRUE(
          hosts.RunInNamespace(member, [&] { fd = ListenOnAnyPort(hosts.Address(member), &port); })
              .ok());
      EXPECT_GE(fd, 0);
      fds_.push_back(fd);
      ports_.push_back(port);
    }
  }
  ~Listeners() {
    for (int fd : fds_) close(fd);
  }
  // Whether `from` (a member, or -1 for the root namespace) can open a TCP connection to
  // `to`'s listener.
  bool Reaches(int from, int to) const {
    if (from < 0) return CanConnect(hosts_.Address(to), ports_[to], kShort);
    bool reached = false;
    EXPECT_TRUE(hosts_
                    .RunInNamespace(
                        from, [&] { reached = CanConnect(hosts_.Address(to), ports_[to], kShort); })
                    .ok());
    return reached;
  }

 private:
  const NetnsHosts& hosts_;
  std::vector<int> fds_;
  std::vector<int> ports_;
};

TEST(HostNetnsTest, CutBlocksExactlyThePairBothWaysAndHealRestoresIt) {
  if (!NetnsUsable()) GTEST_SKIP() << "needs root and iproute2";
  auto hosts = NetnsHosts::Create(3);
  ASSERT_TRUE(hosts.ok()) << hosts.status();
  Listeners listeners(**hosts);
  for (int from = -1; from < 3; ++from) {
    for (int to = 0; to < 3; ++to) EXPECT_TRUE(listeners.Reaches(from, to)) << from << "->" << to;
  }

  ASSERT_TRUE((*hosts)->Cut({{0, 1}}).ok());
  EXPECT_FALSE(listeners.Reaches(0, 1));
  EXPECT_FALSE(listeners.Reaches(1, 0));
  EXPECT_TRUE(listeners.Reaches(0, 2));
  EXPECT_TRUE(listeners.Reaches(2, 0));
  EXPECT_TRUE(listeners.Reaches(1, 2));
  EXPECT_TRUE(listeners.Reaches(2, 1));
  for (int to = 0; to < 3; ++to) EXPECT_TRUE(listeners.Reaches(-1, to)) << "client to " << to;

  // Cutting the same link again (both orders) is not an error, and one heal undoes it all.
  ASSERT_TRUE((*hosts)->Cut({{1, 0}, {1, 2}}).ok());
  EXPECT_FALSE(listeners.Reaches(2, 1));
  ASSERT_TRUE((*hosts)->HealAll().ok());
  for (int from = 0; from < 3; ++from) {
    for (int to = 0; to < 3; ++to) EXPECT_TRUE(listeners.Reaches(from, to)) << from << "->" << to;
  }
}

TEST(HostNetnsTest, RejectsBadLinksWithoutCuttingAnything) {
  if (!NetnsUsable()) GTEST_SKIP() << "needs root and iproute2";
  auto hosts = NetnsHosts::Create(2);
  ASSERT_TRUE(hosts.ok()) << hosts.status();
  Listeners listeners(**hosts);
  EXPECT_FALSE((*hosts)->Cut({{0, 1}, {1, 1}}).ok());
  EXPECT_TRUE(listeners.Reaches(0, 1));
  EXPECT_TRUE(listeners.Reaches(1, 0));
}

TEST(HostNetnsTest, ConcurrentInstancesGetDistinctSubnets) {
  if (!NetnsUsable()) GTEST_SKIP() << "needs root and iproute2";
  auto first = NetnsHosts::Create(1);
  auto second = NetnsHosts::Create(1);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE((*first)->BridgeAddress(), (*second)->BridgeAddress());
  EXPECT_NE((*first)->NamespaceName(0), (*second)->NamespaceName(0));
}

TEST(HostNetnsTest, DestructionRemovesNamespacesVethsAndBridge) {
  if (!NetnsUsable()) GTEST_SKIP() << "needs root and iproute2";
  std::vector<std::string> names;
  std::string bridge;
  {
    auto hosts = NetnsHosts::Create(3);
    ASSERT_TRUE(hosts.ok()) << hosts.status();
    ASSERT_TRUE((*hosts)->Cut({{0, 2}}).ok());
    for (int member = 0; member < 3; ++member) names.push_back((*hosts)->NamespaceName(member));
    bridge = (*hosts)->BridgeName();
    const std::string listed = IpOutput({"netns", "list"});
    for (const std::string& name : names) EXPECT_TRUE(absl::StrContains(listed, name));
    EXPECT_TRUE(absl::StrContains(IpOutput({"-o", "link", "show"}), bridge));
  }
  const std::string listed = IpOutput({"netns", "list"});
  for (const std::string& name : names) EXPECT_FALSE(absl::StrContains(listed, name));
  const std::string links = IpOutput({"-o", "link", "show"});
  EXPECT_FALSE(absl::StrContains(links, bridge));
  // Host-side veths share the "rkj<pid>v" prefix; namespace deletion takes them along.
  const std::string veth_prefix = "rkj" + std::to_string(getpid()) + "v";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (absl::StrContains(IpOutput({"-o", "link", "show"}), veth_prefix) &&
         std::chrono::steady_clock::now() < deadline) {
    usleep(50 * 1000);
  }
  EXPECT_FALSE(absl::StrContains(IpOutput({"-o", "link", "show"}), veth_prefix));
}

TEST(HostNetnsTest, SweepRemovesWhatADeadProcessLeftBehind) {
  if (!NetnsUsable()) GTEST_SKIP() << "needs root and iproute2";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Dies without running destructors, like a SIGKILLed run.
    auto hosts = NetnsHosts::Create(2);
    _exit(hosts.ok() ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const std::string owner = "rkj" + std::to_string(child);
  ASSERT_TRUE(absl::StrContains(IpOutput({"netns", "list"}), owner));
  ASSERT_TRUE(absl::StrContains(IpOutput({"-o", "link", "show"}), owner));

  NetnsHosts::SweepDeadOwners();
  EXPECT_FALSE(absl::StrContains(IpOutput({"netns", "list"}), owner));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (absl::StrContains(IpOutput({"-o", "link", "show"}), owner) &&
         std::chrono::steady_clock::now() < deadline) {
    usleep(50 * 1000);
  }
  EXPECT_FALSE(absl::StrContains(IpOutput({"-o", "link", "show"}), owner));
}

}  // namespace
}  // namespace raftkv::jepsen
