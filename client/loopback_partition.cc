#include "client/loopback_partition.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/harness/command.h"

namespace raftkv::client::testing {
namespace {

constexpr char kIptables[] = "/usr/sbin/iptables";
constexpr char kCommentPrefix[] = "raftkv-client-test:";
// Connection marks 0x52a10000 + (pid % 0xffff): distinct per test process.
constexpr int64_t kMarkBase = 0x52a10000;

harness::CommandResult Iptables(std::vector<std::string> args) {
  // -w: wait for the xtables lock, which other test processes may hold.
  args.insert(args.begin(), {kIptables, "-w", "5"});
  harness::CommandOptions options;
  options.timeout = std::chrono::seconds(10);
  return harness::RunCommand(args, options);
}

std::vector<std::string> OwnComment() {
  return {"-m", "comment", "--comment", absl::StrCat(kCommentPrefix, getpid())};
}

// The pid in a rule line "... --comment raftkv-client-test:<pid> ...", 0 if none.
int OwnerOf(absl::string_view line) {
  const size_t at = line.find(kCommentPrefix);
  if (at == absl::string_view::npos) return 0;
  absl::string_view pid_text = line.substr(at + std::strlen(kCommentPrefix));
  pid_text = pid_text.substr(0, pid_text.find_first_not_of("0123456789"));
  int pid = 0;
  return absl::SimpleAtoi(pid_text, &pid) ? pid : 0;
}

}  // namespace

absl::Status LoopbackPartition::Probe() {
  if (access(kIptables, X_OK) != 0) {
    return absl::NotFoundError(absl::StrCat(kIptables, " not found (apt package iptables)"));
  }
  LoopbackPartition probe;
  // A rule that matches nothing real: port 1 on loopback.
  if (absl::Status added = probe.AddRule({"-o", "lo", "-p", "tcp", "--dport", "1", "-j", "DROP"});
      !added.ok()) {
    return added;
  }
  return probe.Heal();
}

void LoopbackPartition::SweepDeadOwners() {
  harness::CommandResult listed = Iptables({"-S", "OUTPUT"});
  if (listed.exit_code != 0) return;
  for (absl::string_view line : absl::StrSplit(listed.out, '\n')) {
    const int pid = OwnerOf(line);
    if (pid <= 0 || !absl::ConsumePrefix(&line, "-A ")) continue;
    if (kill(pid, 0) == 0 || errno != ESRCH) continue;  // owner still alive
    std::vector<std::string> args = {"-D"};
    for (absl::string_view word : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
      args.emplace_back(
          absl::StripAsciiWhitespace(absl::StripPrefix(absl::StripSuffix(word, "\""), "\"")));
    }
    Iptables(args);
  }
}

absl::Status LoopbackPartition::Isolate(int peer_port, int gid,
                                        const std::vector<int>& other_peer_ports) {
  const std::string own = absl::StrCat(peer_port);
  // Connections the member opened to its peers carry data both ways (etcd's peers stream
  // to the member over connections the member dialled). The owner match sees only the
  // member's own packets, so it marks the connection, and every packet of a marked
  // connection is dropped, whichever side sent it.
  const std::string mark = absl::StrCat(kMarkBase + getpid() % 0xffff);
  const std::vector<std::vector<std::string>> rules = {
      {"-o", "lo", "-p", "tcp", "--dport", own, "-j", "DROP"},
      {"-o", "lo", "-p", "tcp", "--sport", own, "-j", "DROP"},
      {"-o", "lo", "-p", "tcp", "-m", "owner", "--gid-owner", absl::StrCat(gid), "-m", "multiport",
       "--dports", absl::StrJoin(other_peer_ports, ","), "-j", "CONNMARK", "--set-mark", mark},
      {"-o", "lo", "-p", "tcp", "-m", "connmark", "--mark", mark, "-j", "DROP"},
  };
  for (const auto& rule : rules) {
    if (absl::Status added = AddRule(rule); !added.ok()) {
      (void)Heal();
      return added;
    }
  }
  return absl::OkStatus();
}

bool LoopbackPartition::active() {
  std::lock_guard<std::mutex> lock(mu_);
  return !rules_.empty();
}

absl::Status LoopbackPartition::AddRule(const std::vector<std::string>& rule) {
  std::vector<std::string> spec = {"OUTPUT"};
  for (std::string& word : OwnComment()) spec.push_back(std::move(word));
  spec.insert(spec.end(), rule.begin(), rule.end());
  std::vector<std::string> add = {"-A"};
  add.insert(add.end(), spec.begin(), spec.end());
  harness::CommandResult result = Iptables(add);
  if (result.exit_code != 0) {
    return absl::PermissionDeniedError(absl::StrCat("iptables -A failed: ", result.err));
  }
  std::lock_guard<std::mutex> lock(mu_);
  rules_.push_back(std::move(spec));
  return absl::OkStatus();
}

absl::Status LoopbackPartition::Heal() {
  std::lock_guard<std::mutex> lock(mu_);
  absl::Status first_error;
  for (const std::vector<std::string>& spec : rules_) {
    std::vector<std::string> del = {"-D"};
    del.insert(del.end(), spec.begin(), spec.end());
    harness::CommandResult result = Iptables(del);
    if (result.exit_code != 0 && first_error.ok()) {
      first_error = absl::InternalError(absl::StrCat("iptables -D failed: ", result.err));
    }
  }
  rules_.clear();
  return first_error;
}

}  // namespace raftkv::client::testing
