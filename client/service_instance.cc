#include "client/service_instance.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

namespace raftkv::client {

std::string ServicePrefix(const std::string& root, const std::string& service) {
  return absl::StrCat(root, "/services/", service, "/");
}

std::string InstanceKey(const std::string& root, const ServiceInstance& instance) {
  return ServicePrefix(root, instance.service) + instance.id;
}

std::string EncodeInstance(const ServiceInstance& instance) {
  nlohmann::json json;
  json["service"] = instance.service;
  json["id"] = instance.id;
  json["address"] = instance.address;
  json["metadata"] = instance.metadata;
  return json.dump();
}

absl::StatusOr<ServiceInstance> DecodeInstance(const std::string& value) {
  nlohmann::json json = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return absl::InvalidArgumentError("service instance is not a JSON object");
  }
  ServiceInstance instance;
  auto text = [&](const char* field) -> std::string {
    auto it = json.find(field);
    return it != json.end() && it->is_string() ? it->get<std::string>() : "";
  };
  instance.service = text("service");
  instance.id = text("id");
  instance.address = text("address");
  if (auto it = json.find("metadata"); it != json.end() && it->is_object()) {
    for (const auto& [name, entry] : it->items()) {
      if (entry.is_string()) instance.metadata[name] = entry.get<std::string>();
    }
  }
  if (instance.id.empty()) return absl::InvalidArgumentError("service instance without id");
  return instance;
}

}  // namespace raftkv::client
