// Builds the nemeses a run asked for by name ("kill", "pause", "partition", ...), so the
// run loop does not need to know how each fault is set up or whether it is usable here.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_NEMESIS_FACTORY_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_NEMESIS_FACTORY_H_

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
  // True when "partition" was asked for but the host cannot cut links (no iptables).
  bool partitions_skipped = false;
};

// Unknown names and unusable nemeses are logged to `log` and left out.
NemesisSet MakeNemeses(const std::vector<std::string>& names, JepsenCluster* cluster,
                       std::ostream& log);

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_NEMESIS_FACTORY_H_
