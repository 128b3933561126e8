// The cluster's member table: who the members are, their URLs and learner status.
// Changed only by the apply loop (committed conf changes and published attributes),
// read by any thread (Cluster service, transport setup, response headers).
#ifndef RAFTKV_SERVER_CLUSTER_MEMBERSHIP_H_
#define RAFTKV_SERVER_CLUSTER_MEMBERSHIP_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "proto/peer.pb.h"

namespace raftkv::server {

struct Member {
  uint64_t id = 0;
  std::string name;  // empty until the member has started and published it
  std::vector<std::string> peer_urls;
  std::vector<std::string> client_urls;
  bool is_learner = false;
};

// Parses etcd's --initial-cluster ("n1=http://a:2380,n2=http://b:2380", a name may
// repeat to give several URLs) into members with etcd-compatible IDs.
absl::StatusOr<std::vector<Member>> ParseInitialCluster(const std::string& initial_cluster,
                                                        const std::string& cluster_token);

class Membership {
 public:
  Membership() = default;
  Membership(uint64_t cluster_id, const std::vector<Member>& members);

  uint64_t cluster_id() const;
  std::vector<Member> List() const;  // sorted by id
  std::optional<Member> Get(uint64_t id) const;
  bool Contains(uint64_t id) const;
  bool IsRemoved(uint64_t id) const;

  // Errors carry etcd's messages ("etcdserver: member ID already exist", ...).
  absl::Status Add(const Member& member);
  absl::Status Remove(uint64_t id);
  absl::Status Promote(uint64_t id);
  absl::Status UpdatePeerUrls(uint64_t id, const std::vector<std::string>& peer_urls);
  void SetAttributes(uint64_t id, const std::string& name,
                     const std::vector<std::string>& client_urls);
  // Validation without mutation, used before proposing a conf change.
  absl::Status CheckCanAdd(const std::vector<std::string>& peer_urls) const;

  peerpb::ClusterInfo ToProto() const;
  void ReplaceWith(const peerpb::ClusterInfo& info);

 private:
  mutable absl::Mutex mu_;
  uint64_t cluster_id_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<uint64_t, Member> members_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> removed_ ABSL_GUARDED_BY(mu_);
};

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_CLUSTER_MEMBERSHIP_H_
