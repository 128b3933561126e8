// Cuts one member off from its peers, both ways, while clients can still reach it:
//  - nothing reaches the member's peer port (drop --dport and --sport of that port);
//  - the member's own outgoing peer connections are dropped (owner gid match, see
//    JepsenCluster) so it cannot talk to the other peer ports either.
// Client ports are untouched, so clients keep talking to the minority side.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_PARTITION_NEMESIS_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_PARTITION_NEMESIS_H_

#include "tests/jepsen/runner/iptables_rules.h"
#include "tests/jepsen/runner/jepsen_cluster.h"
#include "tests/jepsen/runner/nemesis.h"

namespace raftkv::jepsen {

class PartitionNemesis : public Nemesis {
 public:
  explicit PartitionNemesis(JepsenCluster* cluster) : cluster_(cluster) {}
  std::string Name() const override { return "partition"; }
  absl::Status Inject(int member) override;
  absl::Status Heal() override { return rules_.RemoveAll(); }

 private:
  JepsenCluster* cluster_;
  IptablesRules rules_;
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_PARTITION_NEMESIS_H_
