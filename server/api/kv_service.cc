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

// The asynchronous form: validates, starts the core's write, and finishes the
// call from the core's callback. `response` lives until the call is finished.
template <typename Response, typename StartWrite>
grpc::ServerUnaryReactor* ServeAsync(grpc::CallbackServerContext* context, absl::Status validation,
                                     StartWrite start_write, Response* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!validation.ok()) {
    reactor->Finish(ToGrpcStatus(validation));
    return reactor;
  }
  start_write([reactor, response](absl::StatusOr<Response> result) {
    if (!result.ok()) return reactor->Finish(ToGrpcStatus(result.status()));
    *response = std::move(*result);
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

}  // namespace

grpc::Status KvService::Range(grpc::ServerContext*, const etcdserverpb::RangeRequest* request,
                              etcdserverpb::RangeResponse* response) {
  return Serve(
      ValidateRange(*request), [&] { return core_->Range(*request); }, response);
}

grpc::ServerUnaryReactor* KvService::Put(grpc::CallbackServerContext* context,
                                         const etcdserverpb::PutRequest* request,
                                         etcdserverpb::PutResponse* response) {
  return ServeAsync(
      context, ValidatePut(*request),
      [&](KvCore::Done<etcdserverpb::PutResponse> done) {
        core_->PutAsync(*request, std::move(done));
      },
      response);
}

grpc::ServerUnaryReactor* KvService::DeleteRange(grpc::CallbackServerContext* context,
                                                 const etcdserverpb::DeleteRangeRequest* request,
                                                 etcdserverpb::DeleteRangeResponse* response) {
  return ServeAsync(
      context, ValidateDeleteRange(*request),
      [&](KvCore::Done<etcdserverpb::DeleteRangeResponse> done) {
        core_->DeleteRangeAsync(*request, std::move(done));
      },
      response);
}

grpc::ServerUnaryReactor* KvService::Txn(grpc::CallbackServerContext* context,
                                         const etcdserverpb::TxnRequest* request,
                                         etcdserverpb::TxnResponse* response) {
  return ServeAsync(
      context, ValidateTxn(*request, max_txn_ops_),
      [&](KvCore::Done<etcdserverpb::TxnResponse> done) {
        core_->TxnAsync(*request, std::move(done));
      },
      response);
}

grpc::Status KvService::Compact(grpc::ServerContext*,
                                const etcdserverpb::CompactionRequest* request,
                                etcdserverpb::CompactionResponse* response) {
  return Serve(
      absl::OkStatus(), [&] { return core_->Compact(*request); }, response);
}

}  // namespace raftkv::server::api
