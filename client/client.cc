#include "client/client.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "client/kv.h"
#include "client/lease.h"
#include "client/status_util.h"
#include "client/watcher.h"

namespace raftkv::client {

Client::Client(ClientOptions options) : options_(std::move(options)) {
  SetEndpoints(options_.endpoints);
  kv_ = std::make_unique<KV>(this);
  lease_ = std::make_unique<Lease>(this);
  watcher_ = std::make_unique<Watcher>(this);
}

Client::~Client() {
  // Background streams use the endpoints; stop them first.
  watcher_.reset();
  lease_.reset();
}

absl::StatusOr<std::unique_ptr<Client>> Client::Connect(ClientOptions options) {
  if (options.endpoints.empty()) return absl::InvalidArgumentError("no endpoints given");
  std::unique_ptr<Client> client(new Client(std::move(options)));
  auto reachable = client->ConnectedEndpoint();
  if (!reachable.ok()) return reachable.status();
  if (client->options_.discover_members) {
    if (absl::Status synced = client->SyncMembers(); !synced.ok()) return synced;
  }
  return client;
}

void Client::SetEndpoints(const std::vector<std::string>& addresses) {
  std::unique_lock<std::mutex> lock(mu_);
  std::string pinned_address = endpoints_.empty() ? "" : endpoints_[pinned_]->address();
  std::vector<std::shared_ptr<Endpoint>> next;
  for (const std::string& raw : addresses) {
    std::string address = StripScheme(raw);
    std::shared_ptr<Endpoint> reused;
    for (auto& existing : endpoints_) {
      if (existing->address() == address) reused = existing;
    }
    for (auto& added : next) {
      if (added->address() == address) reused = added;
    }
    if (reused && std::find(next.begin(), next.end(), reused) != next.end()) continue;
    next.push_back(reused ? reused : std::make_shared<Endpoint>(address, options_.channel));
  }
  endpoints_ = std::move(next);
  pinned_ = 0;
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    if (endpoints_[i]->address() == pinned_address) pinned_ = i;
  }
}

absl::Status Client::SyncMembers() {
  auto members = MemberList();
  if (!members.ok()) return members.status();
  std::vector<std::string> addresses;
  bool all_advertised = true;
  for (const auto& member : members->members()) {
    if (member.clienturls_size() == 0) all_advertised = false;
    for (const auto& url : member.clienturls()) addresses.push_back(url);
  }
  // A member that has not published its URLs yet (just started) may be one of the endpoints
  // we were given: keep those too rather than forget a working member.
  if (!all_advertised) {
    for (const std::string& known : Endpoints()) addresses.push_back(known);
  }
  if (!addresses.empty()) SetEndpoints(addresses);
  return absl::OkStatus();
}

std::vector<std::string> Client::Endpoints() const {
  std::unique_lock<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& endpoint : endpoints_) out.push_back(endpoint->address());
  return out;
}

std::string Client::PinnedEndpoint() const {
  std::unique_lock<std::mutex> lock(mu_);
  return endpoints_.empty() ? "" : endpoints_[pinned_]->address();
}

int Client::MaxAttempts() const {
  if (options_.max_attempts > 0) return options_.max_attempts;
  std::unique_lock<std::mutex> lock(mu_);
  return static_cast<int>(2 * endpoints_.size());
}

std::shared_ptr<Endpoint> Client::Pick(int /*attempt*/) {
  std::unique_lock<std::mutex> lock(mu_);
  return endpoints_[pinned_];
}

void Client::ReportFailure(const Endpoint& endpoint) {
  std::unique_lock<std::mutex> lock(mu_);
  // Only the first report of a failure moves the pin; concurrent calls that failed on the
  // same member must not skip over a healthy one.
  if (endpoints_[pinned_].get() == &endpoint) pinned_ = (pinned_ + 1) % endpoints_.size();
}

absl::Status Client::Call(RetryPolicy policy, const Attempt& attempt) {
  const int max_attempts = MaxAttempts();
  absl::Status last = absl::UnavailableError("no endpoints");
  for (int i = 0; i < max_attempts; ++i) {
    std::shared_ptr<Endpoint> endpoint = Pick(i);
    if (!endpoint->WaitConnected(options_.dial_timeout)) {
      last =
          absl::UnavailableError(absl::StrCat("no connection available to ", endpoint->address()));
      ReportFailure(*endpoint);
      continue;  // never sent: safe for any call
    }
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + options_.request_timeout);
    RequireLeader(context);
    last = FromGrpc(attempt(*endpoint, context));
    if (last.ok() || !IsSafeToRetry(policy, AttemptStage::kSent, last)) return last;
    ReportFailure(*endpoint);
    // A leader election takes a few hundred milliseconds; do not burn all attempts at once.
    std::this_thread::sleep_for(std::chrono::milliseconds(50 * (i + 1)));
  }
  return last;
}

absl::StatusOr<std::shared_ptr<Endpoint>> Client::ConnectedEndpoint(const Endpoint* avoid) {
  if (avoid != nullptr) ReportFailure(*avoid);
  const int max_attempts = MaxAttempts();
  for (int i = 0; i < max_attempts; ++i) {
    std::shared_ptr<Endpoint> endpoint = Pick(i);
    if (endpoint->WaitConnected(options_.dial_timeout)) return endpoint;
    ReportFailure(*endpoint);
  }
  return absl::UnavailableError("no member reachable");
}

absl::StatusOr<etcdserverpb::MemberListResponse> Client::MemberList() {
  etcdserverpb::MemberListResponse response;
  absl::Status status = Call(RetryPolicy::kRepeatable, [&](Endpoint& e, grpc::ClientContext& c) {
    return e.cluster().MemberList(&c, etcdserverpb::MemberListRequest(), &response);
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<etcdserverpb::MemberAddResponse> Client::MemberAdd(
    const std::vector<std::string>& peer_urls, bool is_learner) {
  etcdserverpb::MemberAddRequest request;
  for (const std::string& url : peer_urls) request.add_peerurls(url);
  request.set_islearner(is_learner);
  etcdserverpb::MemberAddResponse response;
  absl::Status status = Call(RetryPolicy::kNonRepeatable, [&](Endpoint& e, grpc::ClientContext& c) {
    return e.cluster().MemberAdd(&c, request, &response);
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<etcdserverpb::MemberRemoveResponse> Client::MemberRemove(uint64_t id) {
  etcdserverpb::MemberRemoveRequest request;
  request.set_id(id);
  etcdserverpb::MemberRemoveResponse response;
  absl::Status status = Call(RetryPolicy::kNonRepeatable, [&](Endpoint& e, grpc::ClientContext& c) {
    return e.cluster().MemberRemove(&c, request, &response);
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<etcdserverpb::MemberUpdateResponse> Client::MemberUpdate(
    uint64_t id, const std::vector<std::string>& peer_urls) {
  etcdserverpb::MemberUpdateRequest request;
  request.set_id(id);
  for (const std::string& url : peer_urls) request.add_peerurls(url);
  etcdserverpb::MemberUpdateResponse response;
  absl::Status status = Call(RetryPolicy::kNonRepeatable, [&](Endpoint& e, grpc::ClientContext& c) {
    return e.cluster().MemberUpdate(&c, request, &response);
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<etcdserverpb::MemberPromoteResponse> Client::MemberPromote(uint64_t id) {
  etcdserverpb::MemberPromoteRequest request;
  request.set_id(id);
  etcdserverpb::MemberPromoteResponse response;
  absl::Status status = Call(RetryPolicy::kNonRepeatable, [&](Endpoint& e, grpc::ClientContext& c) {
    return e.cluster().MemberPromote(&c, request, &response);
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<etcdserverpb::StatusResponse> Client::Status(const std::string& address) {
  Endpoint endpoint(StripScheme(address), options_.channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options_.request_timeout);
  etcdserverpb::StatusResponse response;
  absl::Status status =
      FromGrpc(endpoint.maintenance().Status(&context, etcdserverpb::StatusRequest(), &response));
  if (!status.ok()) return status;
  return response;
}

}  // namespace raftkv::client
