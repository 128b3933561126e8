// Converts absl::Status (core, store) to grpc::Status for the wire.
//
// absl and gRPC share code numbering, and errors are built with etcd's exact texts
// (server/etcd_errors.h), so the conversion keeps code and message unchanged.
#ifndef RAFTKV_SERVER_API_ERRORS_H_
#define RAFTKV_SERVER_API_ERRORS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace raftkv::server::api {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace raftkv::server::api

#endif  // RAFTKV_SERVER_API_ERRORS_H_
