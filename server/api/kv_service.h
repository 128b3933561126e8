// gRPC service etcdserverpb.KV: validates each request as etcd does, then hands it
// to the KV core.
#ifndef RAFTKV_SERVER_API_KV_SERVICE_H_
#define RAFTKV_SERVER_API_KV_SERVICE_H_

#include <cstdint>

#include "proto/rpc.grpc.pb.h"
#include "server/kv_core.h"

namespace raftkv::server::api {

class KvService final : public etcdserverpb::KV::Service {
 public:
  KvService(KvCore* core, int64_t max_txn_ops) : core_(core), max_txn_ops_(max_txn_ops) {}

  grpc::Status Range(grpc::ServerContext* context, const etcdserverpb::RangeRequest* request,
                     etcdserverpb::RangeResponse* response) override;
  grpc::Status Put(grpc::ServerContext* context, const etcdserverpb::PutRequest* request,
                   etcdserverpb::PutResponse* response) override;
  grpc::Status DeleteRange(grpc::ServerContext* context,
                           const etcdserverpb::DeleteRangeRequest* request,
                           etcdserverpb::DeleteRangeResponse* response) override;
  grpc::Status Txn(grpc::ServerContext* context, const etcdserverpb::TxnRequest* request,
                   etcdserverpb::TxnResponse* response) override;
  grpc::Status Compact(grpc::ServerContext* context, const etcdserverpb::CompactionRequest* request,
                       etcdserverpb::CompactionResponse* response) override;

 private:
  KvCore* core_;
  const int64_t max_txn_ops_;
};

}  // namespace raftkv::server::api

#endif  // RAFTKV_SERVER_API_KV_SERVICE_H_
