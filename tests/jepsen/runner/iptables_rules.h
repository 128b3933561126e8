// iptables rules owned by this process. Every rule carries the comment
// "raftkv-jepsen:<pid>", so that it can be removed on heal, on destruction, and, after a
// run that died without cleaning up (SIGKILL), by the next run's sweep of dead owners.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_IPTABLES_RULES_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_IPTABLES_RULES_H_

#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace raftkv::jepsen {

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
  // Deletes every rule added so far; returns the first error but tries them all.
  absl::Status RemoveAll();

 private:
  std::mutex mu_;
  std::vector<std::vector<std::string>> rules_;  // full rule specs, for -D
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_IPTABLES_RULES_H_
