// Which failed calls may be sent again to another member (etcd clientv3's rules, extended
// for members that hang instead of refusing).
#ifndef RAFTKV_CLIENT_RETRY_POLICY_H_
#define RAFTKV_CLIENT_RETRY_POLICY_H_

#include "absl/status/status.h"

namespace raftkv::client {

enum class RetryPolicy {
  // Reads and idempotent calls (Range, read-only Txn, MemberList, Status, LeaseGrant,
  // LeaseRevoke, LeaseTimeToLive): repeating them cannot change the outcome.
  kRepeatable,
  // Put, Delete, Txn with writes, Compact: a second copy could apply twice, so they are
  // only repeated when the first copy provably never reached a server.
  kNonRepeatable,
};

// How far a failed attempt got.
enum class AttemptStage {
  kNotSent,  // no connection to the member could be established
  kSent,     // the request was written to an established connection
};

// True when `status` from an attempt that reached `stage` may be retried on another member.
bool IsSafeToRetry(RetryPolicy policy, AttemptStage stage, const absl::Status& status);

// True when the member answering is cut off from its cluster ("etcdserver: no leader"),
// which etcd reports before processing the request.
bool IsNoLeaderError(const absl::Status& status);

}  // namespace raftkv::client

#endif  // RAFTKV_CLIENT_RETRY_POLICY_H_
