// etcd's lease errors with their gRPC codes and exact texts
// (etcdserver/api/v3rpc/rpctypes/error.go). absl and gRPC codes match 1:1.
#ifndef RAFTKV_SERVER_LEASE_LEASE_ERRORS_H_
#define RAFTKV_SERVER_LEASE_LEASE_ERRORS_H_

#include "absl/status/status.h"

namespace raftkv::server::lease {

inline absl::Status LeaseNotFoundError() {
  return absl::NotFoundError("etcdserver: requested lease not found");
}
inline absl::Status LeaseExistsError() {
  return absl::FailedPreconditionError("etcdserver: lease already exists");
}
inline absl::Status LeaseTtlTooLargeError() {
  return absl::OutOfRangeError("etcdserver: too large lease TTL");
}
// Renew/TimeToLive on a non-primary lessor; the server forwards to the leader,
// and if it leaks to a client it reads as etcd's retryable "not leader".
inline absl::Status NotPrimaryError() { return absl::UnavailableError("etcdserver: not leader"); }

inline bool IsNotPrimary(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable;
}

}  // namespace raftkv::server::lease

#endif  // RAFTKV_SERVER_LEASE_LEASE_ERRORS_H_
