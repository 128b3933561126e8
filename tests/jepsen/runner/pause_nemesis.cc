#include "tests/jepsen/runner/pause_nemesis.h"

namespace raftkv::jepsen {

absl::Status PauseNemesis::Inject(int member) {
  cluster_->Pause(member);
  paused_ = member;
  return absl::OkStatus();
}

absl::Status PauseNemesis::Heal() {
  if (paused_ >= 0) cluster_->Resume(paused_);
  paused_ = -1;
  return absl::OkStatus();
}

}  // namespace raftkv::jepsen
