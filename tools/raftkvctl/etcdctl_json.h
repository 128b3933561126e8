// The JSON documents etcdctl 3.4 prints for the commands where it marshals one of clientv3's
// wrapper structs (or its own) rather than the etcdserverpb message: lease grant, keep-alive,
// timetolive and list, watch, endpoint status and health. Each builds what Go's encoding/json
// makes of that struct; print with GoJsonMarshal.
#ifndef RAFTKV_TOOLS_RAFTKVCTL_ETCDCTL_JSON_H_
#define RAFTKV_TOOLS_RAFTKVCTL_ETCDCTL_JSON_H_

#include <string>
#include <vector>

#include "proto/kv.pb.h"
#include "proto/rpc.pb.h"
#include "tools/raftkvctl/go_json.h"

namespace raftkv::ctl {

// clientv3.LeaseGrantResponse: header fields inlined, then "ID", "TTL", "Error".
GoJson LeaseGrantJson(const etcdserverpb::LeaseGrantResponse& response);
// clientv3.LeaseKeepAliveResponse: header fields inlined, then "ID", "TTL".
GoJson LeaseKeepAliveJson(const etcdserverpb::LeaseKeepAliveResponse& response);
// clientv3.LeaseTimeToLiveResponse: header inlined, "id", "ttl", "granted-ttl", "keys" (null
// when no keys came back).
GoJson LeaseTimeToLiveJson(const etcdserverpb::LeaseTimeToLiveResponse& response);
// clientv3.LeaseLeasesResponse: header inlined, "leases": [{"id": N}...] (never null).
GoJson LeaseLeasesJson(const etcdserverpb::LeaseLeasesResponse& response);

// clientv3.WatchResponse: "Header" (always present), "Events" ([] when none),
// "CompactRevision", "Canceled", "Created".
struct WatchJsonInput {
  etcdserverpb::ResponseHeader header;
  std::vector<mvccpb::Event> events;
  int64_t compact_revision = 0;
  bool canceled = false;
  bool created = false;
};
GoJson WatchJson(const WatchJsonInput& response);

// etcdctl's epStatus: {"Endpoint": ..., "Status": <StatusResponse>}.
GoJson EndpointStatusJson(const std::string& endpoint, const etcdserverpb::StatusResponse& status);
// etcdctl's epHealth: {"endpoint", "health", "took" (Go duration text; "" when negative: no
// client could be made, so nothing was timed), "error" (omitted when empty)}.
GoJson EndpointHealthJson(const std::string& endpoint, bool health, int64_t took_nanoseconds,
                          const std::string& error);

}  // namespace raftkv::ctl

#endif  // RAFTKV_TOOLS_RAFTKVCTL_ETCDCTL_JSON_H_
