// Output of raftkvctl in etcdctl's "simple" text format or as JSON (the response message in
// protobuf's JSON mapping, keys and values base64-encoded as etcdctl -w json prints them).
#ifndef RAFTKV_TOOLS_RAFTKVCTL_PRINTER_H_
#define RAFTKV_TOOLS_RAFTKVCTL_PRINTER_H_

#include <google/protobuf/message.h>

#include <string>

#include "client/service_instance.h"
#include "proto/kv.pb.h"
#include "proto/rpc.pb.h"

namespace raftkv::ctl {

enum class Format { kSimple, kJson };

class Printer {
 public:
  explicit Printer(Format format) : format_(format) {}
  bool json() const { return format_ == Format::kJson; }

  // One JSON document per line.
  void Json(const google::protobuf::Message& message) const;
  void Line(const std::string& text) const;

  void Range(const etcdserverpb::RangeResponse& response) const;
  void Put(const etcdserverpb::PutResponse& response) const;
  void Delete(const etcdserverpb::DeleteRangeResponse& response) const;
  void Txn(const etcdserverpb::TxnResponse& response) const;
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
