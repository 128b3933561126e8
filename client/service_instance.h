// A registered service instance and its key layout (docs/service_discovery.md):
//   <root>/services/<service>/<instance id>  ->  JSON {"service","id","address","metadata"}
// The key is attached to the registrant's lease, so it disappears when the registrant dies.
#ifndef RAFTKV_CLIENT_SERVICE_INSTANCE_H_
#define RAFTKV_CLIENT_SERVICE_INSTANCE_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace raftkv::client {

inline constexpr char kDefaultServiceRoot[] = "/raftkv";

struct ServiceInstance {
  std::string service;
  std::string id;
  std::string address;  // how to reach the instance, e.g. "127.0.0.1:8080"
  std::map<std::string, std::string> metadata;

  bool operator==(const ServiceInstance& other) const {
    return service == other.service && id == other.id && address == other.address &&
           metadata == other.metadata;
  }
  bool operator!=(const ServiceInstance& other) const { return !(*this == other); }
};

// "<root>/services/<service>/"
std::string ServicePrefix(const std::string& root, const std::string& service);
// "<root>/services/<service>/<id>"
std::string InstanceKey(const std::string& root, const ServiceInstance& instance);

std::string EncodeInstance(const ServiceInstance& instance);
absl::StatusOr<ServiceInstance> DecodeInstance(const std::string& value);

}  // namespace raftkv::client

#endif  // RAFTKV_CLIENT_SERVICE_INSTANCE_H_
