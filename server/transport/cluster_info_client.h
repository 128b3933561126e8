#ifndef RAFTKV_SERVER_TRANSPORT_CLUSTER_INFO_CLIENT_H_
#define RAFTKV_SERVER_TRANSPORT_CLUSTER_INFO_CLIENT_H_

#include <chrono>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "proto/peer.pb.h"

namespace raftkv::transport {

// Asks existing members (etcd-style peer URLs, tried in order) for the cluster's id and
// membership, as a member started with --initial-cluster-state=existing must. Each URL gets
// `timeout_per_url`; the last error is returned when none answers.
absl::StatusOr<peerpb::ClusterInfo> FetchClusterInfo(
    const std::vector<std::string>& peer_urls,
    std::chrono::milliseconds timeout_per_url = std::chrono::seconds(2));

}  // namespace raftkv::transport

#endif  // RAFTKV_SERVER_TRANSPORT_CLUSTER_INFO_CLIENT_H_
