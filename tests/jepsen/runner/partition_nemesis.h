// Cuts links between members (see HostNetwork) in a shape chosen at each injection:
// "partition" isolates the target member, "partition-leader" isolates whoever leads at
// that moment, "partition-halves" / "partition-ring" / "partition-bridge" (see
// nemesis_partitions.h). Clients keep reaching every member, so they keep talking to the
// minority side. Heal restores every link.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_PARTITION_NEMESIS_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_PARTITION_NEMESIS_H_

#include <functional>
#include <string>
#include <vector>

#include "tests/jepsen/runner/host_network.h"
#include "tests/jepsen/runner/jepsen_cluster.h"
#include "tests/jepsen/runner/nemesis.h"

namespace raftkv::jepsen {

class PartitionNemesis : public Nemesis {
 public:
  // The links to cut for a fault aimed at `target`.
  using Shape = std::function<std::vector<Link>(int target)>;

  // "partition": isolates the target member.
  explicit PartitionNemesis(JepsenCluster* cluster);
  PartitionNemesis(std::string name, JepsenCluster* cluster, Shape shape)
      : name_(std::move(name)), cluster_(cluster), shape_(std::move(shape)) {}
  ~PartitionNemesis() override { (void)Heal(); }

  std::string Name() const override { return name_; }
  absl::Status Inject(int member) override;
  absl::Status Heal() override;
  std::string LastFault() const override { return last_fault_; }
  const std::vector<Link>& last_cut() const { return last_cut_; }

 private:
  std::string name_;
  JepsenCluster* cluster_;
  Shape shape_;
  std::vector<Link> last_cut_;
  std::string last_fault_;
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_PARTITION_NEMESIS_H_
