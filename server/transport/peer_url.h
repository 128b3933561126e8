#ifndef RAFTKV_SERVER_TRANSPORT_PEER_URL_H_
#define RAFTKV_SERVER_TRANSPORT_PEER_URL_H_

#include <string>

#include "absl/status/statusor.h"

namespace raftkv::transport {

// Turns an etcd-style peer URL ("http://127.0.0.1:2380", "https://host:2380/") into the
// gRPC target "127.0.0.1:2380". A URL without a scheme is taken as host:port.
absl::StatusOr<std::string> GrpcTargetFromUrl(const std::string& url);

}  // namespace raftkv::transport

#endif  // RAFTKV_SERVER_TRANSPORT_PEER_URL_H_
