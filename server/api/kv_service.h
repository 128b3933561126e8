// gRPC service etcdserverpb.KV: validates each request as etcd does, then hands it
// to the KV core.
#ifndef RAFTKV_SERVER_API_KV_SERVICE_H_
#define RAFTKV_SERVER_API_KV_SERVICE_H_

#include <cstdint>

#include "proto/rpc.grpc.pb.h"
#include "server/kv_core.h"

namespace raftkv::server::api {

// Writes (Put, DeleteRange, Txn) use gRPC's callback API: the handler proposes
// and returns, and the apply thread finishes the call, so no gRPC thread blocks
// per write in flight. Range and Compact stay synchronous.
using KvServiceBase =
    etcdserverpb::KV::WithCallbackMethod_Put<etcdserverpb::KV::WithCallbackMethod_DeleteRange<
        etcdserverpb::KV::WithCallbackMethod_Txn<etcdserverpb::KV::Service>>>;

class KvService final : public KvServiceBase {
 public:
  KvService(KvCore* core, int64_t max_txn_ops) : core_(core), max_txn_ops_(max_txn_ops) {}

  grpc::Status Range(grpc::ServerContext* context, const etcdserverpb::RangeRequest* request,
                     etcdserverpb::RangeResponse* response) override;
  grpc::ServerUnaryReactor* Put(grpc::CallbackServerContext* context,
                                const etcdserverpb::PutRequest* request,
                                etcdserverpb::PutResponse* response) override;
  grpc::ServerUnaryReactor* DeleteRange(grpc::CallbackServerContext* context,
                                        const etcdserverpb::DeleteRangeRequest* request,
                                        etcdserverpb::DeleteRangeResponse* response) override;
  grpc::ServerUnaryReactor* Txn(grpc::CallbackServerContext* context,
                                const etcdserverpb::TxnRequest* request,
                                etcdserverpb::TxnResponse* response) override;
  grpc::Status Compact(grpc::ServerContext* context, const etcdserverpb::CompactionRequest* request,
                       etcdserverpb::CompactionResponse* response) override;

 private:
  KvCore* core_;
  const int64_t max_txn_ops_;
};

}  // namespace raftkv::server::api

#endif  // RAFTKV_SERVER_API_KV_SERVICE_H_
