#include "server/api/cluster_service.h"

#include "grpcpp/client_context.h"
#include "server/api/errors.h"

namespace raftkv::server::api {
namespace {

constexpr char kNotLeader[] = "etcdserver: not leader";
constexpr char kForwardedHeader[] = "raftkv-forwarded";

void ToProto(const Member& member, etcdserverpb::Member* out) {
  out->set_id(member.id);
  out->set_name(member.name);
  for (const auto& url : member.peer_urls) out->add_peerurls(url);
  for (const auto& url : member.client_urls) out->add_clienturls(url);
  out->set_islearner(member.is_learner);
}

std::vector<std::string> Urls(const google::protobuf::RepeatedPtrField<std::string>& urls) {
  return std::vector<std::string>(urls.begin(), urls.end());
}

}  // namespace

template <typename Response>
void ClusterService::FillMembers(Response* response) const {
  core_->FillHeader(response->mutable_header());
  for (const Member& member : membership_->List()) ToProto(member, response->add_members());
}

grpc::Status ClusterService::MemberList(grpc::ServerContext*,
                                        const etcdserverpb::MemberListRequest*,
                                        etcdserverpb::MemberListResponse* response) {
  FillMembers(response);
  return grpc::Status::OK;
}

grpc::Status ClusterService::MemberAdd(grpc::ServerContext*,
                                       const etcdserverpb::MemberAddRequest* request,
                                       etcdserverpb::MemberAddResponse* response) {
  absl::StatusOr<Member> added = admin_->AddMember(Urls(request->peerurls()), request->islearner());
  if (!added.ok()) return ToGrpcStatus(added.status());
  ToProto(*added, response->mutable_member());
  FillMembers(response);
  return grpc::Status::OK;
}

grpc::Status ClusterService::MemberRemove(grpc::ServerContext*,
                                          const etcdserverpb::MemberRemoveRequest* request,
                                          etcdserverpb::MemberRemoveResponse* response) {
  if (absl::Status s = admin_->RemoveMember(request->id()); !s.ok()) return ToGrpcStatus(s);
  FillMembers(response);
  return grpc::Status::OK;
}

grpc::Status ClusterService::MemberUpdate(grpc::ServerContext*,
                                          const etcdserverpb::MemberUpdateRequest* request,
                                          etcdserverpb::MemberUpdateResponse* response) {
  absl::Status updated = admin_->UpdateMember(request->id(), Urls(request->peerurls()));
  if (!updated.ok()) return ToGrpcStatus(updated);
  FillMembers(response);
  return grpc::Status::OK;
}

grpc::Status ClusterService::MemberPromote(grpc::ServerContext* context,
                                           const etcdserverpb::MemberPromoteRequest* request,
                                           etcdserverpb::MemberPromoteResponse* response) {
  absl::Status promoted = admin_->PromoteMember(request->id());
  if (promoted.message() == kNotLeader) return ForwardPromote(*context, *request, response);
  if (!promoted.ok()) return ToGrpcStatus(promoted);
  FillMembers(response);
  return grpc::Status::OK;
}

grpc::Status ClusterService::ForwardPromote(const grpc::ServerContext& context,
                                            const etcdserverpb::MemberPromoteRequest& request,
                                            etcdserverpb::MemberPromoteResponse* response) {
  if (context.client_metadata().count(kForwardedHeader)) {
    return ToGrpcStatus(absl::FailedPreconditionError(kNotLeader));  // no second hop
  }
  auto channel = leader_->Get();
  if (!channel.ok()) return ToGrpcStatus(channel.status());
  grpc::ClientContext forward;
  forward.AddMetadata(kForwardedHeader, "1");
  forward.set_deadline(context.deadline());
  return etcdserverpb::Cluster::NewStub(*channel)->MemberPromote(&forward, request, response);
}

}  // namespace raftkv::server::api
