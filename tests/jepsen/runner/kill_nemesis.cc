#include "tests/jepsen/runner/kill_nemesis.h"

namespace raftkv::jepsen {

absl::Status KillNemesis::Inject(int member) {
  cluster_->Kill(member);
  killed_ = member;
  return absl::OkStatus();
}

absl::Status KillNemesis::Heal() {
  if (killed_ < 0) return absl::OkStatus();
  const int member = killed_;
  killed_ = -1;
  return cluster_->Restart(member);
}

}  // namespace raftkv::jepsen
