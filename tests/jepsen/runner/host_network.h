// Where the members of a Jepsen cluster live on this machine and how the links between
// them are cut. Two implementations: every member in its own network namespace on a
// bridge (NetnsHosts, preferred) or all members on 127.0.0.1 told apart by group id
// (LoopbackHosts, the fallback when namespaces cannot be created).
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_HOST_NETWORK_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_HOST_NETWORK_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace raftkv::jepsen {

// An undirected link between two members; cutting it stops all traffic between them.
struct Link {
  int a = 0;
  int b = 0;
  bool operator==(const Link& other) const {
    return (a == other.a && b == other.b) || (a == other.b && b == other.a);
  }
};

class HostNetwork {
 public:
  virtual ~HostNetwork() = default;

  // "netns" or "loopback", for logs and reports.
  virtual std::string Mode() const = 0;
  // The IP address member `member` listens on and clients dial.
  virtual std::string Address(int member) const = 0;
  // Words to put in front of the member's command line (e.g. enter its namespace).
  virtual std::vector<std::string> LaunchPrefix(int member) const = 0;
  // False when only whole members can be isolated (every cut link must have an endpoint
  // that is cut from all others); ring and bridge partitions need true.
  virtual bool SupportsPartialPartitions() const = 0;
  // Stops all member-to-member traffic over each link, both ways, in addition to the cuts
  // already in place. Clients (in the root namespace / on loopback) keep reaching every
  // member. On error nothing new stays cut.
  virtual absl::Status Cut(const std::vector<Link>& links) = 0;
  // Restores every cut link; returns the first error but tries them all.
  virtual absl::Status HealAll() = 0;
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_HOST_NETWORK_H_
