// etcd's client-visible errors, as absl::Status with etcd's gRPC code and exact text.
//
// Clients (etcdctl, clientv3, jetcd) recognise errors by code + message, so the text
// must match etcd 3.4 byte for byte (etcdserver/api/v3rpc/rpctypes/error.go).
// absl and gRPC status codes share numbering, so the API layer converts 1:1.
#ifndef RAFTKV_SERVER_ETCD_ERRORS_H_
#define RAFTKV_SERVER_ETCD_ERRORS_H_

#include "absl/status/status.h"

namespace raftkv::server::etcd_errors {

inline absl::Status EmptyKey() {
  return absl::InvalidArgumentError("etcdserver: key is not provided");
}
inline absl::Status KeyNotFound() {
  return absl::InvalidArgumentError("etcdserver: key not found");
}
inline absl::Status ValueProvided() {
  return absl::InvalidArgumentError("etcdserver: value is provided");
}
inline absl::Status LeaseProvided() {
  return absl::InvalidArgumentError("etcdserver: lease is provided");
}
inline absl::Status TooManyOps() {
  return absl::InvalidArgumentError("etcdserver: too many operations in txn request");
}
inline absl::Status DuplicateKey() {
  return absl::InvalidArgumentError("etcdserver: duplicate key given in txn request");
}
inline absl::Status Compacted() {
  return absl::OutOfRangeError("etcdserver: mvcc: required revision has been compacted");
}
inline absl::Status FutureRevision() {
  return absl::OutOfRangeError("etcdserver: mvcc: required revision is a future revision");
}
inline absl::Status LeaseNotFound() {
  return absl::NotFoundError("etcdserver: requested lease not found");
}
inline absl::Status RequestTooLarge() {
  return absl::InvalidArgumentError("etcdserver: request is too large");
}
inline absl::Status Stopped() { return absl::UnavailableError("etcdserver: server stopped"); }
inline absl::Status Timeout() { return absl::UnavailableError("etcdserver: request timed out"); }
inline absl::Status NoLeader() { return absl::UnavailableError("etcdserver: no leader"); }

}  // namespace raftkv::server::etcd_errors

#endif  // RAFTKV_SERVER_ETCD_ERRORS_H_
