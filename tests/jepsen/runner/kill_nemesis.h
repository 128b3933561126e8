// kill -9 a member; heal restarts it on the same ports and data directory.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_KILL_NEMESIS_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_KILL_NEMESIS_H_

#include "tests/jepsen/runner/jepsen_cluster.h"
#include "tests/jepsen/runner/nemesis.h"

namespace raftkv::jepsen {

class KillNemesis : public Nemesis {
 public:
  explicit KillNemesis(JepsenCluster* cluster) : cluster_(cluster) {}
  std::string Name() const override { return "kill"; }
  absl::Status Inject(int member) override;
  absl::Status Heal() override;

 private:
  JepsenCluster* cluster_;
  int killed_ = -1;
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_KILL_NEMESIS_H_
