#include "tests/jepsen/runner/partition_nemesis.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace raftkv::jepsen {

absl::Status PartitionNemesis::Inject(int member) {
  const std::string own_port = absl::StrCat(cluster_->PeerPort(member));
  std::vector<std::string> other_ports;
  for (int i = 0; i < cluster_->size(); ++i) {
    if (i != member) other_ports.push_back(absl::StrCat(cluster_->PeerPort(i)));
  }
  const std::vector<std::vector<std::string>> drops = {
      {"-o", "lo", "-p", "tcp", "--dport", own_port},
      {"-o", "lo", "-p", "tcp", "--sport", own_port},
      {"-o", "lo", "-p", "tcp", "-m", "owner", "--gid-owner", absl::StrCat(cluster_->Gid(member)),
       "-m", "multiport", "--dports", absl::StrJoin(other_ports, ",")},
  };
  for (const auto& match : drops) {
    if (absl::Status added = rules_.AddDrop(match); !added.ok()) {
      (void)rules_.RemoveAll();
      return added;
    }
  }
  return absl::OkStatus();
}

}  // namespace raftkv::jepsen
