// Output of raftkvctl in etcdctl's "simple" text format or as JSON, byte for byte what
// etcdctl 3.4 -w json prints (Go encoding/json of the response: etcd_json.h, etcdctl_json.h).
#ifndef RAFTKV_TOOLS_RAFTKVCTL_PRINTER_H_
#define RAFTKV_TOOLS_RAFTKVCTL_PRINTER_H_

#include <google/protobuf/message.h>

#include <string>

#include "client/service_instance.h"
#include "proto/kv.pb.h"
#include "proto/rpc.pb.h"
#include "tools/raftkvctl/go_json.h"

namespace raftkv::ctl {

enum class Format { kSimple, kJson };

class Printer {
 public:
  explicit Printer(Format format) : format_(format) {}
  bool json() const { return format_ == Format::kJson; }

  // One JSON document per line: a response message as etcdctl prints it, or a document built
  // for one of etcdctl's wrapper shapes.
  void Json(const google::protobuf::Message& message) const;
  void Json(const GoJson& document) const;
  void Line(const std::string& text) const;

  void Range(const etcdserverpb::RangeResponse& response) const;
  void Put(const etcdserverpb::PutResponse& response) const;
  void Delete(const etcdserverpb::DeleteRangeResponse& response) const;
  void Txn(const etcdserverpb::TxnResponse& response) const;
  // Simple format only: in JSON, etcdctl prints whole watch responses (WatchJson).
  void Event(const mvccpb::Event& event) const;
  void Instance(const client::ServiceInstance& instance, const char* change) const;

 private:
  void KeyValue(const mvccpb::KeyValue& kv) const;
  Format format_;
};

// Lease ids print in hex, like etcdctl.
std::string LeaseHex(int64_t id);

}  // namespace raftkv::ctl

#endif  // RAFTKV_TOOLS_RAFTKVCTL_PRINTER_H_
