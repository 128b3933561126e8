// The fallback when network namespaces are unavailable: every member on 127.0.0.1 with its
// own ports, running under its own group id (setpriv --regid; the uid stays root) so that
// iptables can tell its outgoing connections apart (`-m owner --gid-owner`).
//
// Only whole members can be isolated: a member's peer listener answers every peer on one
// port, so its replies to one peer cannot be told apart from those to another. A member is
// isolated by dropping, on `lo`, everything to and from its peer port and everything its
// gid sends to the other peer ports. Client ports stay open.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_HOST_LOOPBACK_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_HOST_LOOPBACK_H_

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/harness/iptables_rules.h"
#include "tests/jepsen/runner/host_network.h"

namespace raftkv::jepsen {

class LoopbackHosts : public HostNetwork {
 public:
  // Member i listens on peer_ports[i] and runs with group id first_gid + i.
  LoopbackHosts(std::vector<int> peer_ports, int first_gid)
      : peer_ports_(std::move(peer_ports)), first_gid_(first_gid) {}

  std::string Mode() const override { return "loopback"; }
  std::string Address(int) const override { return "127.0.0.1"; }
  std::vector<std::string> LaunchPrefix(int member) const override;
  bool SupportsPartialPartitions() const override { return false; }
  // Accepts only cuts that isolate whole members (see above); Unimplemented otherwise.
  absl::Status Cut(const std::vector<Link>& links) override;
  absl::Status HealAll() override;

  int Gid(int member) const { return first_gid_ + member; }

 private:
  absl::Status Isolate(int member);

  const std::vector<int> peer_ports_;
  const int first_gid_;
  std::mutex mu_;
  std::set<int> isolated_;
  harness::IptablesRules rules_;
};

// The members a set of cut links isolates completely, when every link has such an endpoint;
// an error when the links describe a partial partition. `size` is the number of members.
absl::StatusOr<std::set<int>> IsolatedMembers(const std::vector<Link>& links, int size);

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_HOST_LOOPBACK_H_
