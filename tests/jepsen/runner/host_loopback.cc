#include "tests/jepsen/runner/host_loopback.h"

#include <map>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace raftkv::jepsen {

absl::StatusOr<std::set<int>> IsolatedMembers(const std::vector<Link>& links, int size) {
  std::map<int, std::set<int>> cut_from;
  for (const Link& link : links) {
    if (link.a < 0 || link.b < 0 || link.a >= size || link.b >= size || link.a == link.b) {
      return absl::InvalidArgumentError(absl::StrCat("bad link ", link.a, "-", link.b));
    }
    cut_from[link.a].insert(link.b);
    cut_from[link.b].insert(link.a);
  }
  std::set<int> isolated;
  for (const auto& [member, peers] : cut_from) {
    if (static_cast<int>(peers.size()) == size - 1) isolated.insert(member);
  }
  for (const Link& link : links) {
    if (isolated.count(link.a) == 0 && isolated.count(link.b) == 0) {
      return absl::UnimplementedError(
          absl::StrCat("loopback hosts can only isolate whole members; link ", link.a, "-", link.b,
                       " joins two members that keep other links"));
    }
  }
  return isolated;
}

std::vector<std::string> LoopbackHosts::LaunchPrefix(int member) const {
  return {"/usr/bin/setpriv", absl::StrCat("--regid=", Gid(member)), "--clear-groups"};
}

absl::Status LoopbackHosts::Cut(const std::vector<Link>& links) {
  auto isolated = IsolatedMembers(links, static_cast<int>(peer_ports_.size()));
  if (!isolated.ok()) return isolated.status();
  std::lock_guard<std::mutex> lock(mu_);
  for (int member : *isolated) {
    if (isolated_.count(member) != 0) continue;
    if (absl::Status done = Isolate(member); !done.ok()) {
      // Keep the "nothing new stays cut" promise: drop every rule, including older cuts.
      (void)rules_.RemoveAll();
      isolated_.clear();
      return done;
    }
    isolated_.insert(member);
  }
  return absl::OkStatus();
}

absl::Status LoopbackHosts::Isolate(int member) {
  const std::string own_port = absl::StrCat(peer_ports_[member]);
  std::vector<std::string> other_ports;
  for (int i = 0; i < static_cast<int>(peer_ports_.size()); ++i) {
    if (i != member) other_ports.push_back(absl::StrCat(peer_ports_[i]));
  }
  const std::vector<std::vector<std::string>> drops = {
      {"-o", "lo", "-p", "tcp", "--dport", own_port},
      {"-o", "lo", "-p", "tcp", "--sport", own_port},
  };
  for (const auto& match : drops) {
    if (absl::Status added = rules_.AddDrop(match); !added.ok()) return added;
  }
  if (other_ports.empty()) return absl::OkStatus();
  // Connections the member dialled carry its peers' data too (they answer and stream
  // over them). The owner match sees only the member's own packets, so it marks the
  // connection and every packet of a marked connection is dropped, whichever side sent
  // it. A fresh mark per isolation: connections marked by an earlier, healed isolation
  // of another member must not be cut by this one.
  const std::string mark = absl::StrCat(kFirstConnectionMark + (next_mark_++ % 0xffff));
  const std::vector<std::string> own_dials = {
      "-o", "lo",        "-p",          "tcp",
      "-m", "owner",     "--gid-owner", absl::StrCat(Gid(member)),
      "-m", "multiport", "--dports",    absl::StrJoin(other_ports, ",")};
  if (absl::Status added = rules_.AddRule(own_dials, {"CONNMARK", "--set-mark", mark});
      !added.ok()) {
    return added;
  }
  return rules_.AddDrop({"-o", "lo", "-p", "tcp", "-m", "connmark", "--mark", mark});
}

absl::Status LoopbackHosts::HealAll() {
  std::lock_guard<std::mutex> lock(mu_);
  isolated_.clear();
  return rules_.RemoveAll();
}

}  // namespace raftkv::jepsen
