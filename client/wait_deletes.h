// Shared machinery of the Mutex and Election recipes (etcd's algorithm, so raftkv clients and
// etcdctl lock/elect queue on the same keys): each contender owns "<prefix>/<lease hex>", and
// the contender with the lowest create revision wins. A contender waits only for the deletion
// of the key created just before its own, which avoids a thundering herd.
#ifndef RAFTKV_CLIENT_WAIT_DELETES_H_
#define RAFTKV_CLIENT_WAIT_DELETES_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "proto/rpc.pb.h"

namespace raftkv::client {

class Client;

// "<prefix>/" followed by the lease id in lower-case hex without padding (Go's %x).
std::string ContenderKey(const std::string& prefix_with_slash, int64_t lease_id);

// Blocks until no key under `prefix_with_slash` has a create revision <= `max_create_revision`.
// Returns the header of the final (empty) read. Gives up with DeadlineExceeded after `timeout`.
absl::StatusOr<etcdserverpb::ResponseHeader> WaitDeletes(Client* client,
                                                         const std::string& prefix_with_slash,
                                                         int64_t max_create_revision,
                                                         std::chrono::milliseconds timeout);

}  // namespace raftkv::client

#endif  // RAFTKV_CLIENT_WAIT_DELETES_H_
