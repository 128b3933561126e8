#include "tests/jepsen/runner/workload_clients.h"

#include "absl/strings/match.h"

namespace raftkv::jepsen {
namespace {

client::ClientOptions BaseOptions(std::chrono::milliseconds op_timeout) {
  client::ClientOptions options;
  options.dial_timeout = op_timeout;
  options.request_timeout = op_timeout;
  options.discover_members = false;
  return options;
}

}  // namespace

absl::StatusOr<std::unique_ptr<client::Client>> ConnectToMember(
    JepsenCluster& cluster, int member, std::chrono::milliseconds op_timeout) {
  client::ClientOptions options = BaseOptions(op_timeout);
  options.endpoints = {cluster.ClientEndpoint(member)};
  options.max_attempts = 1;
  return client::Client::Connect(options);
}

absl::StatusOr<std::unique_ptr<client::Client>> ConnectWithFailover(
    JepsenCluster& cluster, int first_member, std::chrono::milliseconds op_timeout) {
  client::ClientOptions options = BaseOptions(op_timeout);
  for (int i = 0; i < cluster.size(); ++i) {
    options.endpoints.push_back(cluster.ClientEndpoint((first_member + i) % cluster.size()));
  }
  return client::Client::Connect(options);
}

bool DefinitelyNotApplied(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kResourceExhausted:
      return true;
    case absl::StatusCode::kUnavailable:
      // Client::Call's error when it could not connect, i.e. nothing was sent.
      return absl::StartsWith(status.message(), "no connection available");
    default:
      return false;
  }
}

Outcome WriteOutcome(const absl::Status& status) {
  if (status.ok()) return Outcome::kOk;
  return DefinitelyNotApplied(status) ? Outcome::kFail : Outcome::kInfo;
}

}  // namespace raftkv::jepsen
