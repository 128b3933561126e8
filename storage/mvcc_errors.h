// etcd's exact error messages for the MVCC layer, with the absl code whose
// gRPC code matches etcd's (see etcd v3rpc/rpctypes/error.go).
#ifndef RAFTKV_STORAGE_MVCC_ERRORS_H_
#define RAFTKV_STORAGE_MVCC_ERRORS_H_

#include "absl/status/status.h"

namespace raftkv::storage {

inline absl::Status CompactedError() {
  return absl::OutOfRangeError("etcdserver: mvcc: required revision has been compacted");
}
inline absl::Status FutureRevisionError() {
  return absl::OutOfRangeError("etcdserver: mvcc: required revision is a future revision");
}
inline absl::Status KeyNotFoundError() {
  return absl::InvalidArgumentError("etcdserver: key not found");
}
inline absl::Status ValueProvidedError() {
  return absl::InvalidArgumentError("etcdserver: value is provided");
}
inline absl::Status LeaseProvidedError() {
  return absl::InvalidArgumentError("etcdserver: lease is provided");
}
inline absl::Status EmptyKeyError() {
  return absl::InvalidArgumentError("etcdserver: key is not provided");
}

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_MVCC_ERRORS_H_
