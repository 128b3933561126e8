#include "server/leader_channel.h"

#include <chrono>
#include <thread>

#include "grpcpp/create_channel.h"
#include "server/etcd_errors.h"
#include "server/transport/peer_url.h"

namespace raftkv::server {

absl::StatusOr<std::shared_ptr<grpc::Channel>> LeaderChannels::Get() {
  // Right after an election (or a start) the leader may not have published its client
  // URLs yet: give it a moment rather than failing the client's request at once.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  std::optional<Member> member;
  while (true) {
    const uint64_t leader = raft_->GetStatus().leader_id;
    member = leader ? membership_->Get(leader) : std::nullopt;
    if (member && !member->client_urls.empty()) break;
    if (std::chrono::steady_clock::now() >= deadline) return etcd_errors::NoLeader();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto target = transport::GrpcTargetFromUrl(member->client_urls.front());
  if (!target.ok()) return target.status();
  std::lock_guard<std::mutex> lock(mu_);
  auto& channel = channels_[*target];
  if (!channel) channel = grpc::CreateChannel(*target, grpc::InsecureChannelCredentials());
  return channel;
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace raftkv::server
