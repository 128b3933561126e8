// Leader election with etcd's layout and algorithm (see wait_deletes.h), interlocking with
// `etcdctl elect <name> <proposal>` and Go's concurrency.Election on the same name.
#ifndef RAFTKV_CLIENT_ELECTION_H_
#define RAFTKV_CLIENT_ELECTION_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "proto/kv.pb.h"

namespace raftkv::client {

class Session;

class Election {
 public:
  Election(Session* session, const std::string& name);

  // Blocks until this session leads with `value`, or `timeout` passes.
  absl::Status Campaign(const std::string& value,
                        std::chrono::milliseconds timeout = std::chrono::hours(24));
  // Changes the leader's value; FailedPrecondition when no longer the leader.
  absl::Status Proclaim(const std::string& value);
  // Gives up leadership (or candidacy).
  absl::Status Resign();
  // The current leader's key and value; NotFound when there is none.
  absl::StatusOr<mvccpb::KeyValue> Leader();

  const std::string& key() const { return leader_key_; }
  int64_t revision() const { return leader_revision_; }

 private:
  Session* session_;
  const std::string prefix_;  // name + "/"
  std::string leader_key_;
  int64_t leader_revision_ = 0;
  bool candidate_ = false;
};

}  // namespace raftkv::client

#endif  // RAFTKV_CLIENT_ELECTION_H_
