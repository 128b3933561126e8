#include "client/election.h"

#include "client/client.h"
#include "client/kv.h"
#include "client/session.h"
#include "client/txn_builder.h"
#include "client/wait_deletes.h"

namespace raftkv::client {

Election::Election(Session* session, const std::string& name)
    : session_(session), prefix_(name + "/") {}

absl::Status Election::Campaign(const std::string& value, std::chrono::milliseconds timeout) {
  Client* client = session_->client();
  const std::string key = ContenderKey(prefix_, session_->lease_id());
  PutOptions with_lease;
  with_lease.lease = session_->lease_id();
  TxnBuilder txn;
  txn.If(Cmp::CreateRevision(key, Cmp::EQUAL, 0))
      .Then(Op::Put(key, value, with_lease))
      .Else(Op::Get(key));
  auto response = client->kv().Txn(txn);
  if (!response.ok()) return response.status();
  leader_key_ = key;
  leader_revision_ = response->header().revision();
  candidate_ = true;
  if (!response->succeeded()) {
    const mvccpb::KeyValue& existing = response->responses(0).response_range().kvs(0);
    leader_revision_ = existing.create_revision();
    if (existing.value() != value) {
      if (absl::Status proclaimed = Proclaim(value); !proclaimed.ok()) {
        Resign().IgnoreError();
        return proclaimed;
      }
    }
  }
  auto waited = WaitDeletes(client, prefix_, leader_revision_ - 1, timeout);
  if (!waited.ok()) {
    Resign().IgnoreError();
    return waited.status();
  }
  return absl::OkStatus();
}

absl::Status Election::Proclaim(const std::string& value) {
  if (!candidate_) return absl::FailedPreconditionError("election: not leader");
  PutOptions with_lease;
  with_lease.lease = session_->lease_id();
  TxnBuilder txn;
  txn.If(Cmp::CreateRevision(leader_key_, Cmp::EQUAL, leader_revision_))
      .Then(Op::Put(leader_key_, value, with_lease));
  auto response = session_->client()->kv().Txn(txn);
  if (!response.ok()) return response.status();
  if (!response->succeeded()) {
    candidate_ = false;
    return absl::FailedPreconditionError("election: not leader");
  }
  return absl::OkStatus();
}

absl::Status Election::Resign() {
  if (!candidate_) return absl::OkStatus();
  candidate_ = false;
  TxnBuilder txn;
  txn.If(Cmp::CreateRevision(leader_key_, Cmp::EQUAL, leader_revision_))
      .Then(Op::Delete(leader_key_));
  auto response = session_->client()->kv().Txn(txn);
  return response.status();
}

absl::StatusOr<mvccpb::KeyValue> Election::Leader() {
  GetOptions oldest;
  oldest.range.prefix = true;
  oldest.sort_target = etcdserverpb::RangeRequest::CREATE;
  oldest.sort_order = etcdserverpb::RangeRequest::ASCEND;
  oldest.limit = 1;
  auto response = session_->client()->kv().Get(prefix_, oldest);
  if (!response.ok()) return response.status();
  if (response->kvs_size() == 0) return absl::NotFoundError("election: no leader");
  return response->kvs(0);
}

}  // namespace raftkv::client
