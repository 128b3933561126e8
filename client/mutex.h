// A distributed lock with etcd's layout and algorithm (see wait_deletes.h), interlocking with
// `etcdctl lock <name>` and Go's concurrency.Mutex on the same name.
#ifndef RAFTKV_CLIENT_MUTEX_H_
#define RAFTKV_CLIENT_MUTEX_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/rpc.pb.h"

namespace raftkv::client {

class Session;

class Mutex {
 public:
  // `name` is the lock's prefix, exactly as given to `etcdctl lock <name>`.
  Mutex(Session* session, const std::string& name);

  // Blocks until this session holds the lock, or `timeout` passes (then the queue entry is
  // removed again and DeadlineExceeded returned).
  absl::Status Lock(std::chrono::milliseconds timeout = std::chrono::hours(24));
  // Returns FailedPrecondition without waiting when someone else holds the lock.
  absl::Status TryLock();
  absl::Status Unlock();

  // This session's key, "<name>/<lease hex>" (valid while locked).
  const std::string& key() const { return my_key_; }
  // Create revision of key(); a Cmp::CreateRevision(key(), EQUAL, revision()) guard makes a
  // transaction conditional on still holding the lock.
  int64_t revision() const { return my_revision_; }

 private:
  // Enqueues this session; returns true when it already holds the lock.
  absl::StatusOr<bool> Enqueue();

  Session* session_;
  const std::string prefix_;  // name + "/"
  std::string my_key_;
  int64_t my_revision_ = -1;
};

}  // namespace raftkv::client

#endif  // RAFTKV_CLIENT_MUTEX_H_
