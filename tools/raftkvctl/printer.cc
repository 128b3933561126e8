#include "tools/raftkvctl/printer.h"

#include <iostream>

#include "absl/strings/str_format.h"
#include "tools/raftkvctl/etcd_json.h"

namespace raftkv::ctl {

std::string LeaseHex(int64_t id) { return absl::StrFormat("%x", static_cast<uint64_t>(id)); }

void Printer::Json(const google::protobuf::Message& message) const { Json(ToEtcdJson(message)); }

void Printer::Json(const GoJson& document) const {
  std::cout << GoJsonMarshal(document) << std::endl;
}

void Printer::Line(const std::string& text) const { std::cout << text << std::endl; }

void Printer::KeyValue(const mvccpb::KeyValue& kv) const {
  std::cout << kv.key() << "\n" << kv.value() << "\n";
}

void Printer::Range(const etcdserverpb::RangeResponse& response) const {
  if (json()) return Json(response);
  for (const auto& kv : response.kvs()) KeyValue(kv);
  if (response.kvs_size() == 0 && response.count() > 0) std::cout << response.count() << "\n";
  std::cout.flush();
}

void Printer::Put(const etcdserverpb::PutResponse& response) const {
  if (json()) return Json(response);
  std::cout << "OK\n";
  if (response.has_prev_kv()) KeyValue(response.prev_kv());
  std::cout.flush();
}

void Printer::Delete(const etcdserverpb::DeleteRangeResponse& response) const {
  if (json()) return Json(response);
  std::cout << response.deleted() << "\n";
  for (const auto& kv : response.prev_kvs()) KeyValue(kv);
  std::cout.flush();
}

void Printer::Txn(const etcdserverpb::TxnResponse& response) const {
  if (json()) return Json(response);
  std::cout << (response.succeeded() ? "SUCCESS" : "FAILURE") << "\n";
  for (const auto& op : response.responses()) {
    std::cout << "\n";
    if (op.has_response_put()) std::cout << "OK\n";
    if (op.has_response_delete_range()) std::cout << op.response_delete_range().deleted() << "\n";
    if (op.has_response_range()) {
      for (const auto& kv : op.response_range().kvs()) KeyValue(kv);
    }
  }
  std::cout.flush();
}

void Printer::Event(const mvccpb::Event& event) const {
  std::cout << (event.type() == mvccpb::Event::PUT ? "PUT" : "DELETE") << "\n"
            << event.kv().key() << "\n";
  if (event.type() == mvccpb::Event::PUT) std::cout << event.kv().value() << "\n";
  std::cout.flush();
}

void Printer::Instance(const client::ServiceInstance& instance, const char* change) const {
  if (json()) {
    std::cout << "{\"change\":\"" << change
              << "\",\"instance\":" << client::EncodeInstance(instance) << "}" << std::endl;
    return;
  }
  std::cout << change << " " << instance.id << " " << instance.address;
  for (const auto& [name, value] : instance.metadata) std::cout << " " << name << "=" << value;
  std::cout << std::endl;
}

}  // namespace raftkv::ctl
