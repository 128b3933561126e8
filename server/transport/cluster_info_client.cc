#include "server/transport/cluster_info_client.h"

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "proto/peer.grpc.pb.h"
#include "server/transport/peer_channel.h"
#include "server/transport/peer_url.h"

namespace raftkv::transport {

absl::StatusOr<peerpb::ClusterInfo> FetchClusterInfo(const std::vector<std::string>& peer_urls,
                                                     std::chrono::milliseconds timeout_per_url) {
  absl::Status last_error = absl::InvalidArgumentError("no peer URLs to ask for cluster info");
  for (const std::string& url : peer_urls) {
    absl::StatusOr<std::string> target = GrpcTargetFromUrl(url);
    if (!target.ok()) {
      last_error = target.status();
      continue;
    }
    std::unique_ptr<peerpb::RaftPeer::Stub> stub =
        peerpb::RaftPeer::NewStub(CreatePeerChannel(*target, PeerTransportOptions()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout_per_url);
    context.set_wait_for_ready(true);  // A member that is still starting gets its timeout.
    peerpb::ClusterInfo info;
    const grpc::Status status = stub->GetClusterInfo(&context, peerpb::ClusterInfoRequest(), &info);
    if (status.ok()) return info;
    last_error =
        absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                     absl::StrCat("cluster info from ", url, ": ", status.error_message()));
  }
  return last_error;
}

}  // namespace raftkv::transport
