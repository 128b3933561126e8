// Membership churn: removes the target member from the cluster (MemberRemove through another
// member), stops it and wipes its data; heal adds it back as a new member (MemberAdd, new
// id) that starts empty with --initial-cluster-state=existing and catches up from the
// others. Removing the leader makes it step down.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_MEMBER_NEMESIS_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_MEMBER_NEMESIS_H_

#include "tests/jepsen/runner/jepsen_cluster.h"
#include "tests/jepsen/runner/nemesis.h"

namespace raftkv::jepsen {

class MemberNemesis : public Nemesis {
 public:
  explicit MemberNemesis(JepsenCluster* cluster) : cluster_(cluster) {}
  std::string Name() const override { return "member"; }
  absl::Status Inject(int member) override;
  absl::Status Heal() override;

 private:
  JepsenCluster* cluster_;
  int removed_ = -1;
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_MEMBER_NEMESIS_H_
