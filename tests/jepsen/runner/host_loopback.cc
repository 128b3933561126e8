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
  std::vector<int> other_ports;
  for (int i = 0; i < static_cast<int>(peer_ports_.size()); ++i) {
    if (i != member) other_ports.push_back(peer_ports_[i]);
  }
  return rules_.IsolatePeerTraffic(peer_ports_[member], Gid(member), other_ports);
}

absl::Status LoopbackHosts::HealAll() {
  std::lock_guard<std::mutex> lock(mu_);
  isolated_.clear();
  return rules_.RemoveAll();
}

}  // namespace raftkv::jepsen
