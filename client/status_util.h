// Conversion of gRPC results into absl::Status, keeping etcd's error text intact so callers
// can recognise server errors such as "etcdserver: requested revision has been compacted".
#ifndef RAFTKV_CLIENT_STATUS_UTIL_H_
#define RAFTKV_CLIENT_STATUS_UTIL_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"

namespace raftkv::client {

// gRPC and absl share the canonical code numbering, so the code maps one to one.
absl::Status FromGrpc(const grpc::Status& status);

}  // namespace raftkv::client

#endif  // RAFTKV_CLIENT_STATUS_UTIL_H_
