// An etcd protobuf message as etcdctl -w json shows it. etcdctl hands the Go structs generated
// by gogoproto to encoding/json, so the rules are Go's, not protobuf's JSON mapping: the proto
// field name as key, every integer a JSON number (uint64 exact), enums as their numbers, bytes
// in padded standard base64, and zero scalars, empty repeated fields and unset messages left out
// (the generated "omitempty" tags). A oneof becomes one member named after the oneof in Go's
// CamelCase whose value is {"<CamelCase field name>": value}, or null when nothing is set.
#ifndef RAFTKV_TOOLS_RAFTKVCTL_ETCD_JSON_H_
#define RAFTKV_TOOLS_RAFTKVCTL_ETCD_JSON_H_

#include <google/protobuf/message.h>

#include <string>

#include "tools/raftkvctl/go_json.h"

namespace raftkv::ctl {

GoJson ToEtcdJson(const google::protobuf::Message& message);

// protoc-gen-go's name for a field or oneof: "response_delete_range" -> "ResponseDeleteRange".
std::string GoCamelCase(const std::string& proto_name);

}  // namespace raftkv::ctl

#endif  // RAFTKV_TOOLS_RAFTKVCTL_ETCD_JSON_H_
