// SIGSTOP a member (a long GC pause / frozen VM); heal sends SIGCONT. A paused leader
// wakes up still believing it leads: the classic stale-leader scenario.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_PAUSE_NEMESIS_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_PAUSE_NEMESIS_H_

#include "tests/jepsen/runner/jepsen_cluster.h"
#include "tests/jepsen/runner/nemesis.h"

namespace raftkv::jepsen {

class PauseNemesis : public Nemesis {
 public:
  explicit PauseNemesis(JepsenCluster* cluster) : cluster_(cluster) {}
  ~PauseNemesis() override { (void)Heal(); }
  std::string Name() const override { return "pause"; }
  absl::Status Inject(int member) override;
  absl::Status Heal() override;

 private:
  JepsenCluster* cluster_;
  int paused_ = -1;
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_PAUSE_NEMESIS_H_
