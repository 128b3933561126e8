#include "tests/jepsen/runner/member_nemesis.h"

namespace raftkv::jepsen {

absl::Status MemberNemesis::Inject(int member) {
  if (removed_ >= 0) return absl::FailedPreconditionError("a member is already removed");
  absl::Status removed = cluster_->RemoveMember(member);
  if (removed.ok()) removed_ = member;
  return removed;
}

absl::Status MemberNemesis::Heal() {
  if (removed_ < 0) return absl::OkStatus();
  absl::Status added = cluster_->AddMemberBack(removed_);
  // On failure keep the member marked so that a later Heal (the final one) tries again.
  if (added.ok()) removed_ = -1;
  return added;
}

}  // namespace raftkv::jepsen
