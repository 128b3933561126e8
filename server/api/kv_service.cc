#include "server/api/kv_service.h"

#include "server/api/errors.h"
#include "server/api/request_validation.h"

namespace raftkv::server::api {
namespace {

// Validates, calls the core, and moves the result into the gRPC response.
template <typename Response, typename Call>
grpc::Status Serve(absl::Status validation, Call call, Response* response) {
  if (!validation.ok()) return ToGrpcStatus(validation);
  absl::StatusOr<Response> result = call();
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status KvService::Range(grpc::ServerContext*, const etcdserverpb::RangeRequest* request,
                              etcdserverpb::RangeResponse* response) {
  return Serve(
      ValidateRange(*request), [&] { return core_->Range(*request); }, response);
}

grpc::Status KvService::Put(grpc::ServerContext*, const etcdserverpb::PutRequest* request,
                            etcdserverpb::PutResponse* response) {
  return Serve(
      ValidatePut(*request), [&] { return core_->Put(*request); }, response);
}

grpc::Status KvService::DeleteRange(grpc::ServerContext*,
                                    const etcdserverpb::DeleteRangeRequest* request,
                                    etcdserverpb::DeleteRangeResponse* response) {
  return Serve(
      ValidateDeleteRange(*request), [&] { return core_->DeleteRange(*request); }, response);
}

grpc::Status KvService::Txn(grpc::ServerContext*, const etcdserverpb::TxnRequest* request,
                            etcdserverpb::TxnResponse* response) {
  return Serve(
      ValidateTxn(*request, max_txn_ops_), [&] { return core_->Txn(*request); }, response);
}

grpc::Status KvService::Compact(grpc::ServerContext*,
                                const etcdserverpb::CompactionRequest* request,
                                etcdserverpb::CompactionResponse* response) {
  return Serve(
      absl::OkStatus(), [&] { return core_->Compact(*request); }, response);
}

}  // namespace raftkv::server::api
