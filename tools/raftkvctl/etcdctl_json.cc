#include "tools/raftkvctl/etcdctl_json.h"

#include "absl/strings/escaping.h"
#include "tools/raftkvctl/etcd_json.h"

namespace raftkv::ctl {
namespace {

// clientv3's lease wrappers embed *pb.ResponseHeader, so encoding/json promotes the header's
// fields (with their omitempty) to the top level; a nil header adds nothing.
GoJson WithInlinedHeader(bool has_header, const etcdserverpb::ResponseHeader& header) {
  return has_header ? ToEtcdJson(header) : GoJson::object();
}

}  // namespace

GoJson LeaseGrantJson(const etcdserverpb::LeaseGrantResponse& response) {
  GoJson json = WithInlinedHeader(response.has_header(), response.header());
  json["ID"] = response.id();
  json["TTL"] = response.ttl();
  json["Error"] = response.error();
  return json;
}

GoJson LeaseKeepAliveJson(const etcdserverpb::LeaseKeepAliveResponse& response) {
  GoJson json = WithInlinedHeader(response.has_header(), response.header());
  json["ID"] = response.id();
  json["TTL"] = response.ttl();
  return json;
}

GoJson LeaseTimeToLiveJson(const etcdserverpb::LeaseTimeToLiveResponse& response) {
  GoJson json = WithInlinedHeader(response.has_header(), response.header());
  json["id"] = response.id();
  json["ttl"] = response.ttl();
  json["granted-ttl"] = response.grantedttl();
  // The Go slice stays nil when the response carried no keys.
  GoJson keys = nullptr;
  for (const std::string& key : response.keys()) keys.push_back(absl::Base64Escape(key));
  json["keys"] = std::move(keys);
  return json;
}

GoJson LeaseLeasesJson(const etcdserverpb::LeaseLeasesResponse& response) {
  GoJson json = WithInlinedHeader(response.has_header(), response.header());
  GoJson leases = GoJson::array();
  for (const auto& lease : response.leases()) leases.push_back(GoJson{{"id", lease.id()}});
  json["leases"] = std::move(leases);
  return json;
}

GoJson WatchJson(const WatchJsonInput& response) {
  // clientv3 copies the events into a slice made with their count: never nil, so [] not null.
  GoJson events = GoJson::array();
  for (const mvccpb::Event& event : response.events) events.push_back(ToEtcdJson(event));
  GoJson json = GoJson::object();
  json["Header"] = ToEtcdJson(response.header);
  json["Events"] = std::move(events);
  json["CompactRevision"] = response.compact_revision;
  json["Canceled"] = response.canceled;
  json["Created"] = response.created;
  return json;
}

GoJson EndpointStatusJson(const std::string& endpoint, const etcdserverpb::StatusResponse& status) {
  GoJson json = GoJson::object();
  json["Endpoint"] = endpoint;
  json["Status"] = ToEtcdJson(status);
  return json;
}

GoJson EndpointHealthJson(const std::string& endpoint, bool health, int64_t took_nanoseconds,
                          const std::string& error) {
  GoJson json = GoJson::object();
  json["endpoint"] = endpoint;
  json["health"] = health;
  json["took"] = took_nanoseconds < 0 ? "" : GoDurationString(took_nanoseconds);
  if (!error.empty()) json["error"] = error;
  return json;
}

}  // namespace raftkv::ctl
