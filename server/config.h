// Member configuration: etcd-compatible command-line flags and their defaults.
//
// Flag names, spellings and defaults follow etcd 3.4 so that scripts written for etcd
// (and etcd's own docs) work unchanged against raftkv.
#ifndef RAFTKV_SERVER_CONFIG_H_
#define RAFTKV_SERVER_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace raftkv::server {

struct Config {
  std::string name = "default";
  std::string data_dir;  // empty until finalized: "<name>.etcd"
  std::vector<std::string> listen_client_urls = {"http://localhost:2379"};
  std::vector<std::string> advertise_client_urls = {"http://localhost:2379"};
  std::vector<std::string> listen_peer_urls = {"http://localhost:2380"};
  std::vector<std::string> initial_advertise_peer_urls = {"http://localhost:2380"};
  std::string initial_cluster;  // empty until finalized: "<name>=<advertise peer urls>"
  std::string initial_cluster_state = "new";
  std::string initial_cluster_token = "etcd-cluster";
  std::vector<std::string> listen_metrics_urls;
  uint64_t heartbeat_interval_ms = 100;
  uint64_t election_timeout_ms = 1000;
  uint64_t snapshot_count = 100000;
  uint64_t snapshot_catchup_entries = 5000;
  int64_t quota_backend_bytes = int64_t{2} * 1024 * 1024 * 1024;
  uint64_t max_request_bytes = 1572864;  // 1.5 MiB
  uint64_t max_txn_ops = 128;
  std::string log_level = "info";
  bool help = false;
  bool version = false;
};

// Parses etcd-style arguments (`--flag=value` or `--flag value`; `-flag` is accepted
// too, as Go's flag package does). argv[0] is skipped. Unknown flags and bad values
// are InvalidArgument errors whose message names the offending flag.
absl::StatusOr<Config> ParseConfig(const std::vector<std::string>& args);

// Usage text listing every flag with its default.
std::string ConfigUsage();

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_CONFIG_H_
