#include "tests/jepsen/runner/partition_nemesis.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/jepsen/runner/nemesis_partitions.h"

namespace raftkv::jepsen {
namespace {

// "m0 sees {m0,m1,m2}; m3 sees {...}" for every member that lost a link.
std::string DescribeCut(const std::vector<Link>& links, int size) {
  std::vector<std::string> views;
  for (int member = 0; member < size; ++member) {
    const std::set<int> visible = VisibleFrom(member, links, size);
    if (static_cast<int>(visible.size()) == size) continue;
    views.push_back(absl::StrCat(
        "m", member, " sees {",
        absl::StrJoin(visible, ",",
                      [](std::string* out, int seen) { absl::StrAppend(out, "m", seen); }),
        "}"));
  }
  return views.empty() ? "no link cut" : absl::StrJoin(views, "; ");
}

}  // namespace

PartitionNemesis::PartitionNemesis(JepsenCluster* cluster)
    : PartitionNemesis("partition", cluster,
                       [cluster](int target) { return IsolateLinks(target, cluster->size()); }) {}

absl::Status PartitionNemesis::Inject(int member) {
  last_cut_ = shape_(member);
  last_fault_ = DescribeCut(last_cut_, cluster_->size());
  return cluster_->network().Cut(last_cut_);
}

absl::Status PartitionNemesis::Heal() {
  last_cut_.clear();
  return cluster_->network().HealAll();
}

}  // namespace raftkv::jepsen
