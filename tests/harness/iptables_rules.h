// iptables rules owned by this test process (used to cut members of a loopback cluster
// off from each other). Every rule carries the comment "raftkv-test:<pid>", so that it can
// be removed on heal, on destruction, and, after a process that died without cleaning up
// (SIGKILL), by the next test's sweep of dead owners.
#ifndef RAFTKV_TESTS_HARNESS_IPTABLES_RULES_H_
#define RAFTKV_TESTS_HARNESS_IPTABLES_RULES_H_

#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace raftkv::harness {

class IptablesRules {
 public:
  // OK when iptables exists and this process may add and delete an OUTPUT rule.
  static absl::Status Probe();
  // Deletes rules left by runs whose process no longer exists.
  static void SweepDeadOwners();

  IptablesRules() = default;
  ~IptablesRules() { (void)RemoveAll(); }
  IptablesRules(const IptablesRules&) = delete;
  IptablesRules& operator=(const IptablesRules&) = delete;

  // Appends to the OUTPUT chain (on loopback every packet passes OUTPUT, and only OUTPUT
  // can match a socket's owner). `match` is everything between the chain and "-j DROP".
  absl::Status AddDrop(const std::vector<std::string>& match);
  // Appends an OUTPUT rule with `match` and the given target words (e.g. {"CONNMARK",
  // "--set-mark", "7"}); removed by RemoveAll like the drops.
  absl::Status AddRule(const std::vector<std::string>& match,
                       const std::vector<std::string>& target);
  // Cuts one member of a loopback cluster off from its peers: drops traffic to and from
  // `peer_port` (its peer listener) and every packet of the connections that processes of
  // group `gid` (the member, started under its own gid) open to `other_peer_ports`,
  // whichever side sends it. Client ports stay open.
  absl::Status IsolatePeerTraffic(int peer_port, int gid, const std::vector<int>& other_peer_ports);
  // Deletes every rule added so far; returns the first error but tries them all.
  absl::Status RemoveAll();
  bool Empty();

 private:
  std::mutex mu_;
  std::vector<std::vector<std::string>> rules_;  // full rule specs, for -D
};

}  // namespace raftkv::harness

#endif  // RAFTKV_TESTS_HARNESS_IPTABLES_RULES_H_
