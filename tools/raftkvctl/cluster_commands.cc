// lease, member, endpoint, snapshot.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/kv.h"
#include "client/lease.h"
#include "tools/raftkvctl/commands.h"
#include "tools/raftkvctl/etcdctl_json.h"

namespace raftkv::ctl {
namespace {

std::string MemberHex(uint64_t id) { return absl::StrFormat("%x", id); }

absl::StatusOr<int64_t> LeaseArg(const Context& context) {
  uint64_t id;
  if (context.words.size() < 2 || !absl::SimpleHexAtoi(context.words[1], &id)) {
    return absl::InvalidArgumentError("expected a lease id in hex");
  }
  return static_cast<int64_t>(id);
}

int LeaseKeepAlive(Context& context, int64_t id) {
  do {
    auto response = context.client->lease().KeepAliveOnce(id);
    if (!response.ok()) return Fail(response.status());
    if (response->ttl() <= 0) {
      // etcdctl's KeepAliveOnce reports a gone lease as an error; its keep-alive loop just ends.
      if (context.args.Has("once")) {
        std::cerr << "Error: etcdserver: requested lease not found" << std::endl;
        return kExitBadConnection;
      }
      context.printer.Line(
          absl::StrFormat("lease %016x expired or revoked.", static_cast<uint64_t>(id)));
      return kExitError;
    }
    if (context.printer.json()) {
      context.printer.Json(LeaseKeepAliveJson(*response));
    } else {
      context.printer.Line(
          absl::StrCat("lease ", LeaseHex(id), " keepalived with TTL(", response->ttl(), ")"));
    }
    if (context.args.Has("once")) return kExitSuccess;
    for (int i = 0; i < response->ttl() * 10 / 3 && !g_interrupted; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  } while (!g_interrupted);
  return kExitInterrupted;
}

// etcdctl -w json prints the revoke response's header, which client::Lease::Revoke does not
// return: one direct call.
int LeaseRevokeJson(Context& context, int64_t id) {
  auto endpoint = context.client->ConnectedEndpoint();
  if (!endpoint.ok()) return Fail(endpoint.status());
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() + context.client->options().request_timeout);
  etcdserverpb::LeaseRevokeRequest request;
  request.set_id(id);
  etcdserverpb::LeaseRevokeResponse response;
  grpc::Status status = (*endpoint)->lease().LeaseRevoke(&call, request, &response);
  if (!status.ok()) {
    std::cerr << "Error: failed to revoke lease (" << status.error_message() << ")" << std::endl;
    return kExitError;
  }
  context.printer.Json(response);
  return kExitSuccess;
}

// One member endpoint with no failover: endpoint commands report on exactly that member.
std::unique_ptr<client::Client> SingleEndpointClient(const client::ClientOptions& base,
                                                     const std::string& endpoint) {
  client::ClientOptions options = base;
  options.endpoints = {endpoint};
  options.discover_members = false;
  options.max_attempts = 1;
  auto client = client::Client::Connect(options);
  return client.ok() ? std::move(*client) : nullptr;
}

// etcdctl's member table: ID (hex), status, name, peer URLs, client URLs, is learner.
int MemberList(Context& context) {
  auto response = context.client->MemberList();
  if (!response.ok()) return Fail(response.status());
  if (context.printer.json()) return context.printer.Json(*response), kExitSuccess;
  for (const auto& member : response->members()) {
    context.printer.Line(absl::StrCat(
        MemberHex(member.id()), ", ", member.name().empty() ? "unstarted" : "started", ", ",
        member.name(), ", ", absl::StrJoin(member.peerurls(), ","), ", ",
        absl::StrJoin(member.clienturls(), ","), ", ", member.islearner() ? "true" : "false"));
  }
  return kExitSuccess;
}

// --peer-urls, required by add and update; empty when missing.
std::vector<std::string> PeerUrls(const Context& context) {
  const std::string urls = context.args.Get("peer-urls");
  if (urls.empty()) return {};
  return absl::StrSplit(urls, ',');
}

int MemberAdd(Context& context) {
  if (context.words.size() < 2) {
    std::cerr << "Error: member name not provided" << std::endl;
    return kExitBadArgs;
  }
  if (context.words.size() > 2) {
    std::cerr << "Error: too many arguments" << std::endl;
    return kExitBadArgs;
  }
  const std::string name = context.words[1];
  const std::vector<std::string> urls = PeerUrls(context);
  if (urls.empty()) {
    std::cerr << "Error: member peer urls not provided" << std::endl;
    return kExitBadArgs;
  }
  auto response = context.client->MemberAdd(urls, context.args.Has("learner"));
  if (!response.ok()) return Fail(response.status());
  if (context.printer.json()) return context.printer.Json(*response), kExitSuccess;
  context.printer.Line(absl::StrFormat("Member %16x added to cluster %16x", response->member().id(),
                                       response->header().cluster_id()));
  // The environment the new member needs to join, as etcdctl prints it.
  std::vector<std::string> initial_cluster;
  for (const auto& member : response->members()) {
    const std::string& member_name = member.id() == response->member().id() ? name : member.name();
    for (const auto& url : member.peerurls()) {
      initial_cluster.push_back(absl::StrCat(member_name, "=", url));
    }
  }
  context.printer.Line("");
  context.printer.Line(absl::StrCat("ETCD_NAME=\"", name, "\""));
  context.printer.Line(
      absl::StrCat("ETCD_INITIAL_CLUSTER=\"", absl::StrJoin(initial_cluster, ","), "\""));
  context.printer.Line(
      absl::StrCat("ETCD_INITIAL_ADVERTISE_PEER_URLS=\"", context.args.Get("peer-urls"), "\""));
  context.printer.Line("ETCD_INITIAL_CLUSTER_STATE=\"existing\"");
  return kExitSuccess;
}

int MemberRemove(Context& context, uint64_t id) {
  auto response = context.client->MemberRemove(id);
  if (!response.ok()) return Fail(response.status());
  if (context.printer.json()) return context.printer.Json(*response), kExitSuccess;
  context.printer.Line(absl::StrFormat("Member %16x removed from cluster %16x", id,
                                       response->header().cluster_id()));
  return kExitSuccess;
}

int MemberUpdate(Context& context, uint64_t id) {
  const std::vector<std::string> urls = PeerUrls(context);
  if (urls.empty()) {
    std::cerr << "Error: member peer urls not provided" << std::endl;
    return kExitBadArgs;
  }
  auto response = context.client->MemberUpdate(id, urls);
  if (!response.ok()) return Fail(response.status());
  if (context.printer.json()) return context.printer.Json(*response), kExitSuccess;
  context.printer.Line(
      absl::StrFormat("Member %16x updated in cluster %16x", id, response->header().cluster_id()));
  return kExitSuccess;
}

int MemberPromote(Context& context, uint64_t id) {
  auto response = context.client->MemberPromote(id);
  if (!response.ok()) return Fail(response.status());
  if (context.printer.json()) return context.printer.Json(*response), kExitSuccess;
  context.printer.Line(
      absl::StrFormat("Member %16x promoted in cluster %16x", id, response->header().cluster_id()));
  return kExitSuccess;
}

}  // namespace

int RunLease(Context& context) {
  const std::string sub = context.words.empty() ? "" : context.words[0];
  client::Lease& lease = context.client->lease();
  if (sub == "grant" && context.words.size() == 2) {
    int64_t ttl;
    if (!absl::SimpleAtoi(context.words[1], &ttl)) return BadArgs("lease grant <ttl>");
    auto response = lease.Grant(ttl);
    if (!response.ok()) return Fail(response.status());
    if (context.printer.json())
      return context.printer.Json(LeaseGrantJson(*response)), kExitSuccess;
    context.printer.Line(absl::StrCat("lease ", LeaseHex(response->id()), " granted with TTL(",
                                      response->ttl(), "s)"));
    return kExitSuccess;
  }
  if (sub == "list") {
    auto response = lease.Leases();
    if (!response.ok()) return Fail(response.status());
    if (context.printer.json())
      return context.printer.Json(LeaseLeasesJson(*response)), kExitSuccess;
    context.printer.Line(absl::StrCat("found ", response->leases_size(), " leases"));
    for (const auto& status : response->leases()) context.printer.Line(LeaseHex(status.id()));
    return kExitSuccess;
  }
  auto id = LeaseArg(context);
  if (!id.ok())
    return BadArgs(
        "lease grant <ttl> | revoke <id> | timetolive <id> [--keys] | "
        "list | keep-alive <id> [--once]");
  if (sub == "revoke" && context.printer.json()) return LeaseRevokeJson(context, *id);
  if (sub == "revoke") {
    if (absl::Status revoked = lease.Revoke(*id); !revoked.ok()) return Fail(revoked);
    context.printer.Line("lease " + LeaseHex(*id) + " revoked");
    return kExitSuccess;
  }
  if (sub == "timetolive") {
    auto response = lease.TimeToLive(*id, context.args.Has("keys"));
    if (!response.ok()) return Fail(response.status());
    if (context.printer.json()) {
      return context.printer.Json(LeaseTimeToLiveJson(*response)), kExitSuccess;
    }
    if (response->ttl() == -1) {
      context.printer.Line("lease " + LeaseHex(*id) + " already expired");
      return kExitSuccess;
    }
    std::string line =
        absl::StrCat("lease ", LeaseHex(*id), " granted with TTL(", response->grantedttl(),
                     "s), remaining(", response->ttl(), "s)");
    if (context.args.Has("keys")) {
      absl::StrAppend(&line, ", attached keys([", absl::StrJoin(response->keys(), " "), "])");
    }
    context.printer.Line(line);
    return kExitSuccess;
  }
  if (sub == "keep-alive") return LeaseKeepAlive(context, *id);
  return BadArgs("lease grant|revoke|timetolive|list|keep-alive");
}

int RunMember(Context& context) {
  const std::string sub = context.words.empty() ? "" : context.words[0];
  if (sub == "list") return MemberList(context);
  if (sub == "add") return MemberAdd(context);
  if (sub == "remove" || sub == "update" || sub == "promote") {
    if (context.words.size() != 2) {
      std::cerr << "Error: member ID is not provided" << std::endl;
      return kExitBadArgs;
    }
    uint64_t id;
    if (!absl::SimpleHexAtoi(context.words[1], &id)) {
      std::cerr << "Error: bad member ID arg (" << context.words[1] << "), expecting ID in Hex"
                << std::endl;
      return kExitBadArgs;
    }
    if (sub == "remove") return MemberRemove(context, id);
    if (sub == "update") return MemberUpdate(context, id);
    return MemberPromote(context, id);
  }
  return BadArgs(
      "member list | add <name> --peer-urls=<urls> [--learner] | remove <id> | "
      "update <id> --peer-urls=<urls> | promote <id>");
}

int RunEndpoint(Context& context) {
  const std::string sub = context.words.empty() ? "" : context.words[0];
  const client::ClientOptions& base = context.client->options();
  int exit_code = kExitSuccess;
  if (sub == "status") {
    GoJson statuses = GoJson::array();  // etcdctl prints one array for all endpoints
    for (const std::string& endpoint : base.endpoints) {
      auto status = context.client->Status(endpoint);
      if (!status.ok()) {
        std::cerr << "Failed to get the status of endpoint " << endpoint << " ("
                  << status.status().message() << ")" << std::endl;
        exit_code = kExitError;
        continue;
      }
      if (context.printer.json()) {
        statuses.push_back(EndpointStatusJson(endpoint, *status));
        continue;
      }
      context.printer.Line(
          absl::StrCat(endpoint, ", ", LeaseHex(static_cast<int64_t>(status->header().member_id())),
                       ", ", status->version(), ", ", status->dbsize(), " B, ",
                       status->leader() == status->header().member_id() ? "true" : "false", ", ",
                       status->raftterm(), ", ", status->raftindex(), ", ",
                       status->raftappliedindex(), ", ", absl::StrJoin(status->errors(), ";")));
    }
    if (context.printer.json()) context.printer.Json(statuses);
    return exit_code;
  }
  if (sub == "health") {
    GoJson healths = GoJson::array();
    for (const std::string& endpoint : base.endpoints) {
      const auto start = std::chrono::steady_clock::now();
      auto single = SingleEndpointClient(base, endpoint);
      // A linearizable read needs the member's quorum: proof the member can serve.
      absl::Status health =
          single ? single->kv().Get("health").status() : absl::UnavailableError("cannot connect");
      const auto elapsed = std::chrono::steady_clock::now() - start;
      const auto took = std::chrono::duration<double, std::milli>(elapsed).count();
      if (context.printer.json()) {
        const int64_t took_ns =
            std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count();
        healths.push_back(
            EndpointHealthJson(endpoint, health.ok(), took_ns, std::string(health.message())));
        if (!health.ok()) exit_code = kExitError;
        continue;
      }
      if (health.ok()) {
        context.printer.Line(absl::StrCat(
            endpoint, " is healthy: successfully committed proposal: took = ", took, "ms"));
      } else {
        context.printer.Line(
            absl::StrCat(endpoint, " is unhealthy: failed to commit proposal: ", health.message()));
        exit_code = kExitError;
      }
    }
    if (context.printer.json()) {
      context.printer.Json(healths);
      if (exit_code != kExitSuccess) std::cerr << "Error: unhealthy cluster" << std::endl;
    }
    return exit_code;
  }
  return BadArgs("endpoint status|health");
}

int RunSnapshot(Context& context) {
  if (context.words.size() != 2 || context.words[0] != "save") {
    return BadArgs("snapshot save <file>");
  }
  const std::string path = context.words[1];
  const std::string partial = path + ".part";
  auto endpoint = context.client->ConnectedEndpoint();
  if (!endpoint.ok()) return Fail(endpoint.status());
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  if (!out) {
    std::cerr << "Error: cannot create " << partial << std::endl;
    return kExitIO;
  }
  grpc::ClientContext call;
  auto stream = (*endpoint)->maintenance().Snapshot(&call, etcdserverpb::SnapshotRequest());
  etcdserverpb::SnapshotResponse chunk;
  size_t bytes = 0;
  while (stream->Read(&chunk)) {
    out.write(chunk.blob().data(), static_cast<std::streamsize>(chunk.blob().size()));
    bytes += chunk.blob().size();
  }
  grpc::Status finished = stream->Finish();
  out.close();
  if (!finished.ok() || !out) {
    std::remove(partial.c_str());
    return Fail(absl::UnavailableError("snapshot: " + finished.error_message()));
  }
  // Only a complete snapshot gets the final name.
  if (std::rename(partial.c_str(), path.c_str()) != 0) return kExitIO;
  context.printer.Line(absl::StrCat("Snapshot saved at ", path, " (", bytes, " bytes)"));
  return kExitSuccess;
}

}  // namespace raftkv::ctl
