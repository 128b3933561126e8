#include "tests/harness/iptables_rules.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/harness/command.h"

namespace raftkv::harness {
namespace {

constexpr char kIptables[] = "/usr/sbin/iptables";
constexpr char kCommentPrefix[] = "raftkv-test:";
constexpr int64_t kFirstConnectionMark = 0x52000000;

CommandResult Iptables(std::vector<std::string> args) {
  // -w: wait for the xtables lock instead of failing when another run holds it.
  args.insert(args.begin(), {kIptables, "-w", "5"});
  CommandOptions options;
  options.timeout = std::chrono::seconds(10);
  return RunCommand(args, options);
}

std::vector<std::string> OwnComment() {
  return {"-m", "comment", "--comment", absl::StrCat(kCommentPrefix, getpid())};
}

// The pid in a rule line "... --comment raftkv-test:<pid> ...", 0 if none.
int OwnerOf(absl::string_view line) {
  const size_t at = line.find(kCommentPrefix);
  if (at == absl::string_view::npos) return 0;
  absl::string_view pid_text = line.substr(at + std::strlen(kCommentPrefix));
  pid_text = pid_text.substr(0, pid_text.find_first_not_of("0123456789"));
  int pid = 0;
  return absl::SimpleAtoi(pid_text, &pid) ? pid : 0;
}

}  // namespace

absl::Status IptablesRules::Probe() {
  if (access(kIptables, X_OK) != 0) {
    return absl::NotFoundError(absl::StrCat(kIptables, " not found (apt package iptables)"));
  }
  IptablesRules probe;
  // A rule that matches nothing real: port 1 on loopback.
  if (absl::Status added = probe.AddDrop({"-o", "lo", "-p", "tcp", "--dport", "1"}); !added.ok()) {
    return added;
  }
  return probe.RemoveAll();
}

void IptablesRules::SweepDeadOwners() {
  CommandResult listed = Iptables({"-S", "OUTPUT"});
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

absl::Status IptablesRules::AddDrop(const std::vector<std::string>& match) {
  return AddRule(match, {"DROP"});
}

absl::Status IptablesRules::AddRule(const std::vector<std::string>& match,
                                    const std::vector<std::string>& target) {
  std::vector<std::string> spec = {"OUTPUT"};
  spec.insert(spec.end(), match.begin(), match.end());
  for (std::string& word : OwnComment()) spec.push_back(std::move(word));
  spec.push_back("-j");
  spec.insert(spec.end(), target.begin(), target.end());
  std::vector<std::string> add = {"-A"};
  add.insert(add.end(), spec.begin(), spec.end());
  CommandResult result = Iptables(add);
  if (result.exit_code != 0) {
    return absl::PermissionDeniedError(absl::StrCat("iptables -A failed: ", result.err));
  }
  std::lock_guard<std::mutex> lock(mu_);
  rules_.push_back(std::move(spec));
  return absl::OkStatus();
}

absl::Status IptablesRules::IsolatePeerTraffic(int peer_port, int gid,
                                               const std::vector<int>& other_peer_ports) {
  const std::string own = absl::StrCat(peer_port);
  for (const std::string& direction : {"--dport", "--sport"}) {
    if (absl::Status added = AddDrop({"-o", "lo", "-p", "tcp", direction, own}); !added.ok()) {
      return added;
    }
  }
  if (other_peer_ports.empty()) return absl::OkStatus();
  // Connections the member dialled carry its peers' data too (they answer and stream over
  // them). The owner match sees only the member's own packets, so it marks the connection,
  // and every packet of a marked connection is dropped. A fresh mark per isolation:
  // connections marked by an earlier, healed isolation must not be cut by this one.
  static std::atomic<int> isolations{0};
  const std::string mark =
      absl::StrCat(kFirstConnectionMark + ((getpid() % 0x1000) << 12) + (isolations++ % 0x1000));
  const std::vector<std::string> own_dials = {
      "-o", "lo",        "-p",          "tcp",
      "-m", "owner",     "--gid-owner", absl::StrCat(gid),
      "-m", "multiport", "--dports",    absl::StrJoin(other_peer_ports, ",")};
  if (absl::Status added = AddRule(own_dials, {"CONNMARK", "--set-mark", mark}); !added.ok()) {
    return added;
  }
  return AddDrop({"-o", "lo", "-p", "tcp", "-m", "connmark", "--mark", mark});
}

bool IptablesRules::Empty() {
  std::lock_guard<std::mutex> lock(mu_);
  return rules_.empty();
}

absl::Status IptablesRules::RemoveAll() {
  std::lock_guard<std::mutex> lock(mu_);
  absl::Status first_error;
  for (const std::vector<std::string>& spec : rules_) {
    std::vector<std::string> del = {"-D"};
    del.insert(del.end(), spec.begin(), spec.end());
    CommandResult result = Iptables(del);
    if (result.exit_code != 0 && first_error.ok()) {
      first_error = absl::InternalError(absl::StrCat("iptables -D failed: ", result.err));
    }
  }
  rules_.clear();
  return first_error;
}

}  // namespace raftkv::harness
