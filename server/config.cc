#include "server/config.h"

#include <functional>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace raftkv::server {
namespace {

using Setter = std::function<absl::Status(Config&, const std::string&)>;

struct FlagSpec {
  std::string help;
  bool is_bool = false;
  Setter set;
};

Setter StringFlag(std::string Config::*field) {
  return [field](Config& c, const std::string& v) {
    c.*field = v;
    return absl::OkStatus();
  };
}

Setter UrlListFlag(std::vector<std::string> Config::*field) {
  return [field](Config& c, const std::string& v) {
    std::vector<std::string> urls = absl::StrSplit(v, ',', absl::SkipWhitespace());
    if (urls.empty()) return absl::InvalidArgumentError("empty URL list");
    c.*field = urls;
    return absl::OkStatus();
  };
}

template <typename Int>
Setter IntFlag(Int Config::*field) {
  return [field](Config& c, const std::string& v) {
    Int parsed;
    if (!absl::SimpleAtoi(v, &parsed)) {
      return absl::InvalidArgumentError(absl::StrCat("invalid integer \"", v, "\""));
    }
    c.*field = parsed;
    return absl::OkStatus();
  };
}

Setter BoolFlag(bool Config::*field) {
  return [field](Config& c, const std::string& v) {
    if (v == "" || v == "true" || v == "1") {
      c.*field = true;
    } else if (v == "false" || v == "0") {
      c.*field = false;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("invalid boolean \"", v, "\""));
    }
    return absl::OkStatus();
  };
}

const std::map<std::string, FlagSpec>& Flags() {
  static const auto* flags = new std::map<std::string, FlagSpec>{
      {"name", {"Human-readable name for this member.", false, StringFlag(&Config::name)}},
      {"data-dir",
       {"Path to the data directory (default \"<name>.etcd\").", false,
        StringFlag(&Config::data_dir)}},
      {"listen-client-urls",
       {"List of URLs to listen on for client traffic.", false,
        UrlListFlag(&Config::listen_client_urls)}},
      {"advertise-client-urls",
       {"List of this member's client URLs to advertise.", false,
        UrlListFlag(&Config::advertise_client_urls)}},
      {"listen-peer-urls",
       {"List of URLs to listen on for peer traffic.", false,
        UrlListFlag(&Config::listen_peer_urls)}},
      {"initial-advertise-peer-urls",
       {"List of this member's peer URLs to advertise.", false,
        UrlListFlag(&Config::initial_advertise_peer_urls)}},
      {"initial-cluster",
       {"Initial cluster configuration, e.g. n1=http://h1:2380,n2=...", false,
        StringFlag(&Config::initial_cluster)}},
      {"initial-cluster-state",
       {"Initial cluster state ('new' or 'existing').", false,
        StringFlag(&Config::initial_cluster_state)}},
      {"initial-cluster-token",
       {"Initial cluster token for the cluster during bootstrap.", false,
        StringFlag(&Config::initial_cluster_token)}},
      {"listen-metrics-urls",
       {"List of URLs to listen on for /metrics and /health.", false,
        UrlListFlag(&Config::listen_metrics_urls)}},
      {"heartbeat-interval",
       {"Time (in milliseconds) of a heartbeat interval.", false,
        IntFlag(&Config::heartbeat_interval_ms)}},
      {"election-timeout",
       {"Time (in milliseconds) for an election to timeout.", false,
        IntFlag(&Config::election_timeout_ms)}},
      {"snapshot-count",
       {"Number of committed transactions to trigger a snapshot.", false,
        IntFlag(&Config::snapshot_count)}},
      {"experimental-snapshot-catchup-entries",
       {"Number of entries kept in the log after a snapshot for slow followers.", false,
        IntFlag(&Config::snapshot_catchup_entries)}},
      {"quota-backend-bytes",
       {"Raise alarms when backend size exceeds the given quota.", false,
        IntFlag(&Config::quota_backend_bytes)}},
      {"max-request-bytes",
       {"Maximum client request size in bytes the server will accept.", false,
        IntFlag(&Config::max_request_bytes)}},
      {"max-txn-ops",
       {"Maximum number of operations permitted in a transaction.", false,
        IntFlag(&Config::max_txn_ops)}},
      {"log-level",
       {"Log level: debug, info, warn, error.", false, StringFlag(&Config::log_level)}},
      {"help", {"Show this help.", true, BoolFlag(&Config::help)}},
      {"version", {"Print the version and exit.", true, BoolFlag(&Config::version)}},
  };
  return *flags;
}

// Defaults that depend on other flags, computed after parsing as etcd does.
void Finalize(Config& config) {
  if (config.data_dir.empty()) config.data_dir = config.name + ".etcd";
  if (config.initial_cluster.empty()) {
    std::vector<std::string> entries;
    for (const auto& url : config.initial_advertise_peer_urls) {
      entries.push_back(absl::StrCat(config.name, "=", url));
    }
    config.initial_cluster = absl::StrJoin(entries, ",");
  }
}

absl::Status Validate(const Config& config) {
  if (config.initial_cluster_state != "new" && config.initial_cluster_state != "existing") {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid value \"", config.initial_cluster_state,
                     "\" for flag -initial-cluster-state: must be 'new' or 'existing'"));
  }
  if (config.heartbeat_interval_ms == 0 || config.election_timeout_ms == 0) {
    return absl::InvalidArgumentError("heartbeat-interval and election-timeout must be > 0");
  }
  if (config.election_timeout_ms < 5 * config.heartbeat_interval_ms) {
    return absl::InvalidArgumentError(
        absl::StrCat("--election-timeout[", config.election_timeout_ms,
                     "ms] should be at least as 5 times as --heartbeat-interval[",
                     config.heartbeat_interval_ms, "ms]"));
  }
  if (config.max_txn_ops == 0) return absl::InvalidArgumentError("--max-txn-ops must be > 0");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Config> ParseConfig(const std::vector<std::string>& args) {
  Config config;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument \"", arg, "\""));
    }
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    std::string name = body;
    std::string value;
    bool has_value = false;
    if (auto eq = body.find('='); eq != std::string::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      has_value = true;
    }
    auto it = Flags().find(name);
    if (it == Flags().end()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag: --", name));
    }
    const FlagSpec& spec = it->second;
    if (!has_value && !spec.is_bool) {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(absl::StrCat("flag needs an argument: --", name));
      }
      value = args[++i];
    }
    if (absl::Status s = spec.set(config, value); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid value for flag --", name, ": ", s.message()));
    }
  }
  Finalize(config);
  if (absl::Status s = Validate(config); !s.ok()) return s;
  return config;
}

std::string ConfigUsage() {
  std::string usage = "Usage: raftkv [flags]\n\nFlags:\n";
  for (const auto& [name, spec] : Flags()) {
    absl::StrAppend(&usage, "  --", name, "\n      ", spec.help, "\n");
  }
  return usage;
}

}  // namespace raftkv::server
