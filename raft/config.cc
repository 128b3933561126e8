#include "raft/config.h"

namespace raftkv::raft {

absl::Status Config::Validate() const {
  if (id == 0) return absl::InvalidArgumentError("cannot use none as id");
  if (heartbeat_tick <= 0)
    return absl::InvalidArgumentError("heartbeat tick must be greater than 0");
  if (election_tick <= heartbeat_tick) {
    return absl::InvalidArgumentError("election tick must be greater than heartbeat tick");
  }
  if (storage == nullptr) return absl::InvalidArgumentError("storage cannot be nil");
  if (max_inflight_msgs <= 0) {
    return absl::InvalidArgumentError("max inflight messages must be greater than 0");
  }
  if (max_size_per_msg == 0) return absl::InvalidArgumentError("max size per msg must be positive");
  return absl::OkStatus();
}

}  // namespace raftkv::raft
