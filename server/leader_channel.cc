#include "server/leader_channel.h"

#include "grpcpp/create_channel.h"
#include "server/etcd_errors.h"
#include "server/transport/peer_url.h"

namespace raftkv::server {

absl::StatusOr<std::shared_ptr<grpc::Channel>> LeaderChannels::Get() {
  const uint64_t leader = raft_->GetStatus().leader_id;
  std::optional<Member> member = leader ? membership_->Get(leader) : std::nullopt;
  if (!member || member->client_urls.empty()) return etcd_errors::NoLeader();
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
