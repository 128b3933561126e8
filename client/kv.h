// Key-value calls: Get/Put/Delete/Txn/Compact, with the failover rules of RetryPolicy.
#ifndef RAFTKV_CLIENT_KV_H_
#define RAFTKV_CLIENT_KV_H_

#include <string>

#include "absl/status/statusor.h"
#include "client/kv_options.h"
#include "client/txn_builder.h"
#include "proto/rpc.pb.h"

namespace raftkv::client {

class Client;

class KV {
 public:
  explicit KV(Client* client) : client_(client) {}

  absl::StatusOr<etcdserverpb::RangeResponse> Get(const std::string& key,
                                                  const GetOptions& options = {});
  absl::StatusOr<etcdserverpb::PutResponse> Put(const std::string& key, const std::string& value,
                                                const PutOptions& options = {});
  absl::StatusOr<etcdserverpb::DeleteRangeResponse> Delete(const std::string& key,
                                                           const DeleteOptions& options = {});
  // Read-only transactions are retried on other members; writing ones are not.
  absl::StatusOr<etcdserverpb::TxnResponse> Txn(const TxnBuilder& txn);
  absl::StatusOr<etcdserverpb::CompactionResponse> Compact(int64_t revision, bool physical = false);

  // Raw requests, for callers that build them themselves.
  absl::StatusOr<etcdserverpb::RangeResponse> Range(const etcdserverpb::RangeRequest& request);
  absl::StatusOr<etcdserverpb::TxnResponse> Txn(const etcdserverpb::TxnRequest& request);

 private:
  Client* client_;
};

}  // namespace raftkv::client

#endif  // RAFTKV_CLIENT_KV_H_
