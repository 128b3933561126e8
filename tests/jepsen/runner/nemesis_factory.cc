#include "tests/jepsen/runner/nemesis_factory.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "tests/harness/iptables_rules.h"
#include "tests/jepsen/runner/kill_nemesis.h"
#include "tests/jepsen/runner/member_nemesis.h"
#include "tests/jepsen/runner/nemesis_partitions.h"
#include "tests/jepsen/runner/partition_nemesis.h"
#include "tests/jepsen/runner/pause_nemesis.h"

namespace raftkv::jepsen {
namespace {

// The links a partition nemesis cuts at each injection, or nullptr for an unknown name.
PartitionNemesis::Shape PartitionShape(const std::string& name, JepsenCluster* cluster,
                                       uint32_t seed) {
  const int size = cluster->size();
  auto rng = std::make_shared<std::mt19937>(seed);
  if (name == "partition") {
    return [size](int target) { return IsolateLinks(target, size); };
  }
  if (name == "partition-leader") {
    return [cluster, size](int target) {
      const int leader = cluster->CurrentLeader();
      return IsolateLinks(leader >= 0 ? leader : target, size);
    };
  }
  if (name == "partition-halves") {
    return [rng, size](int target) { return RandomHalvesLinks(target, size, *rng); };
  }
  if (name == "partition-ring") {
    return [rng, size](int) { return MajoritiesRingLinks(size, *rng); };
  }
  if (name == "partition-bridge") {
    return [rng, size](int target) { return BridgeLinks(target, size, *rng); };
  }
  return nullptr;
}

// Whether this host can cut the links `name` needs; the reason to log when not.
absl::Status PartitionUsable(const std::string& name, JepsenCluster* cluster) {
  HostNetwork& network = cluster->network();
  if (network.SupportsPartialPartitions()) return absl::OkStatus();
  // Loopback: whole members only (with 3 members random halves isolate one member).
  const bool isolates_one = name == "partition" || name == "partition-leader" ||
                            (name == "partition-halves" && cluster->size() <= 3);
  if (!isolates_one) {
    return absl::UnimplementedError(
        absl::StrCat(network.Mode(), " hosts cut only whole members (", cluster->host_note(), ")"));
  }
  if (absl::Status iptables = harness::IptablesRules::Probe(); !iptables.ok()) {
    return absl::UnavailableError(absl::StrCat("iptables unusable: ", iptables.ToString()));
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> AllNemesisNames() {
  return {"kill",
          "pause",
          "partition",
          "partition-leader",
          "partition-halves",
          "partition-ring",
          "partition-bridge",
          "member"};
}

NemesisSet MakeNemeses(const std::vector<std::string>& names, JepsenCluster* cluster,
                       std::ostream& log, uint32_t seed) {
  NemesisSet set;
  for (const std::string& name : names) {
    if (name == "kill") {
      set.by_name[name] = std::make_unique<KillNemesis>(cluster);
    } else if (name == "pause") {
      set.by_name[name] = std::make_unique<PauseNemesis>(cluster);
    } else if (name == "member") {
      set.by_name[name] = std::make_unique<MemberNemesis>(cluster);
    } else if (PartitionNemesis::Shape shape = PartitionShape(name, cluster, seed++)) {
      if (absl::Status usable = PartitionUsable(name, cluster); !usable.ok()) {
        log << "[jepsen] SKIPPING " << name << ": " << usable << std::endl;
        set.partitions_skipped = true;
        continue;
      }
      set.by_name[name] = std::make_unique<PartitionNemesis>(name, cluster, std::move(shape));
    } else {
      log << "[jepsen] unknown nemesis " << name << " ignored" << std::endl;
    }
  }
  return set;
}

NemesisSet MakeNemeses(const std::vector<std::string>& names, JepsenCluster* cluster,
                       std::ostream& log) {
  return MakeNemeses(names, cluster, log, 1);
}

}  // namespace raftkv::jepsen
