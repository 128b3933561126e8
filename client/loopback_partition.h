// Test-only: cuts one member of a loopback cluster off from its peers with iptables rules on
// the OUTPUT chain (on loopback every packet passes OUTPUT, and only OUTPUT can match a
// socket's owner). Client traffic to the member is untouched, so a client pinned to it keeps
// talking to a member that has lost its cluster: a real partition, not a paused process.
// Every rule carries the comment "raftkv-client-test:<pid>"; rules left by a test process
// that died without cleaning up are swept by the next one.
#ifndef RAFTKV_CLIENT_LOOPBACK_PARTITION_H_
#define RAFTKV_CLIENT_LOOPBACK_PARTITION_H_

#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace raftkv::client::testing {

class LoopbackPartition {
 public:
  // OK when iptables exists and this process may add and delete an OUTPUT rule (root).
  static absl::Status Probe();
  // Deletes rules whose owning process no longer exists.
  static void SweepDeadOwners();

  LoopbackPartition() = default;
  ~LoopbackPartition() { (void)Heal(); }
  LoopbackPartition(const LoopbackPartition&) = delete;
  LoopbackPartition& operator=(const LoopbackPartition&) = delete;

  // Drops traffic to and from `peer_port` (the isolated member's peer listener) and the
  // connections that processes of group `gid` (the isolated member, started under its own
  // gid) open to `other_peer_ports`, in both directions: peer traffic dies.
  absl::Status Isolate(int peer_port, int gid, const std::vector<int>& other_peer_ports);
  // Deletes every rule added so far; returns the first error but tries them all.
  absl::Status Heal();
  bool active();

 private:
  // Appends `rule` (match and target, e.g. {..., "-j", "DROP"}) to OUTPUT with our comment.
  absl::Status AddRule(const std::vector<std::string>& rule);

  std::mutex mu_;
  std::vector<std::vector<std::string>> rules_;  // full rule specs, for -D
};

}  // namespace raftkv::client::testing

#endif  // RAFTKV_CLIENT_LOOPBACK_PARTITION_H_
