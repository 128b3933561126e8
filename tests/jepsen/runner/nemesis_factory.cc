#include "tests/jepsen/runner/nemesis_factory.h"

#include "tests/jepsen/runner/iptables_rules.h"
#include "tests/jepsen/runner/kill_nemesis.h"
#include "tests/jepsen/runner/partition_nemesis.h"
#include "tests/jepsen/runner/pause_nemesis.h"

namespace raftkv::jepsen {

NemesisSet MakeNemeses(const std::vector<std::string>& names, JepsenCluster* cluster,
                       std::ostream& log) {
  NemesisSet set;
  for (const std::string& name : names) {
    if (name == "kill") {
      set.by_name[name] = std::make_unique<KillNemesis>(cluster);
    } else if (name == "pause") {
      set.by_name[name] = std::make_unique<PauseNemesis>(cluster);
    } else if (name == "partition") {
      IptablesRules::SweepDeadOwners();
      if (absl::Status usable = IptablesRules::Probe(); !usable.ok()) {
        log << "[jepsen] SKIPPING partitions: iptables unusable: " << usable << std::endl;
        set.partitions_skipped = true;
        continue;
      }
      set.by_name[name] = std::make_unique<PartitionNemesis>(cluster);
    } else {
      log << "[jepsen] unknown nemesis " << name << " ignored" << std::endl;
    }
  }
  return set;
}

}  // namespace raftkv::jepsen
