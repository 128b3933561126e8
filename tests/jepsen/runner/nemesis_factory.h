// Builds the nemeses a run asked for by name, so the run loop does not need to know how
// each fault is set up or whether it is usable here. Names:
//   kill               SIGKILL the target; heal restarts it (same data dir)
//   pause              SIGSTOP the target; heal SIGCONT
//   partition          isolate the target from every other member
//   partition-leader   isolate the member leading at injection time (target if none)
//   partition-halves   random halves, the target on the smaller one
//   partition-ring     majorities ring (true ring with 5+ members; one cut link with 3)
//   partition-bridge   two halves joined only through the target
//   member             MemberRemove the target + wipe it; heal MemberAdd + start it empty
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_NEMESIS_FACTORY_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_NEMESIS_FACTORY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "tests/jepsen/runner/jepsen_cluster.h"
#include "tests/jepsen/runner/nemesis.h"

namespace raftkv::jepsen {

struct NemesisSet {
  std::map<std::string, std::unique_ptr<Nemesis>> by_name;
  // True when a partition nemesis was asked for but this host cannot cut those links
  // (loopback mode without iptables, or a partial partition in loopback mode).
  bool partitions_skipped = false;
};

// Every name above, for --nemesis=all style lists.
std::vector<std::string> AllNemesisNames();

// Unknown names and unusable nemeses are logged to `log` and left out. `seed` drives the
// random shapes of partitions.
NemesisSet MakeNemeses(const std::vector<std::string>& names, JepsenCluster* cluster,
                       std::ostream& log, uint32_t seed);
NemesisSet MakeNemeses(const std::vector<std::string>& names, JepsenCluster* cluster,
                       std::ostream& log);

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_NEMESIS_FACTORY_H_
