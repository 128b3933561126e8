#include "server/api/cluster_service.h"

namespace raftkv::server::api {

grpc::Status ClusterService::MemberList(grpc::ServerContext*,
                                        const etcdserverpb::MemberListRequest*,
                                        etcdserverpb::MemberListResponse* response) {
  core_->FillHeader(response->mutable_header());
  for (const Member& member : membership_->List()) {
    etcdserverpb::Member* out = response->add_members();
    out->set_id(member.id);
    out->set_name(member.name);
    for (const auto& url : member.peer_urls) out->add_peerurls(url);
    for (const auto& url : member.client_urls) out->add_clienturls(url);
    out->set_islearner(member.is_learner);
  }
  return grpc::Status::OK;
}

}  // namespace raftkv::server::api
