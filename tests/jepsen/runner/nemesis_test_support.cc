#include "tests/jepsen/runner/nemesis_test_support.h"

namespace raftkv::jepsen {

bool PutOn(JepsenCluster& cluster, int member, const std::string& key, const std::string& value,
           std::chrono::milliseconds deadline) {
  etcdserverpb::PutRequest request;
  request.set_key(key);
  request.set_value(value);
  etcdserverpb::PutResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  return cluster.Kv(member).Put(&context, request, &response).ok();
}

std::string ReadOn(JepsenCluster& cluster, int member, const std::string& key, ReadMode mode) {
  etcdserverpb::RangeRequest request;
  request.set_key(key);
  request.set_serializable(mode == ReadMode::kSerializable);
  etcdserverpb::RangeResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  if (!cluster.Kv(member).Range(&context, request, &response).ok()) return "<error>";
  return response.kvs_size() == 1 ? response.kvs(0).value() : "<none>";
}

}  // namespace raftkv::jepsen
