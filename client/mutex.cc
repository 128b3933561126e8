#include "client/mutex.h"

#include "client/client.h"
#include "client/kv.h"
#include "client/session.h"
#include "client/txn_builder.h"
#include "client/wait_deletes.h"

namespace raftkv::client {

Mutex::Mutex(Session* session, const std::string& name) : session_(session), prefix_(name + "/") {}

absl::StatusOr<bool> Mutex::Enqueue() {
  Client* client = session_->client();
  my_key_ = ContenderKey(prefix_, session_->lease_id());
  GetOptions oldest;
  oldest.range.prefix = true;
  oldest.sort_target = etcdserverpb::RangeRequest::CREATE;
  oldest.sort_order = etcdserverpb::RangeRequest::ASCEND;
  oldest.limit = 1;
  PutOptions with_lease;
  with_lease.lease = session_->lease_id();
  // One round trip: join the queue unless already in it (same session), and read the owner.
  TxnBuilder txn;
  txn.If(Cmp::CreateRevision(my_key_, Cmp::EQUAL, 0))
      .Then(Op::Put(my_key_, "", with_lease))
      .Then(Op::Get(prefix_, oldest))
      .Else(Op::Get(my_key_))
      .Else(Op::Get(prefix_, oldest));
  auto response = client->kv().Txn(txn);
  if (!response.ok()) return response.status();
  my_revision_ = response->header().revision();
  if (!response->succeeded()) {
    my_revision_ = response->responses(0).response_range().kvs(0).create_revision();
  }
  const auto& owner = response->responses(1).response_range().kvs();
  return owner.empty() || owner[0].create_revision() == my_revision_;
}

absl::Status Mutex::Lock(std::chrono::milliseconds timeout) {
  auto held = Enqueue();
  if (!held.ok()) return held.status();
  if (*held) return absl::OkStatus();
  auto waited = WaitDeletes(session_->client(), prefix_, my_revision_ - 1, timeout);
  if (!waited.ok()) {
    Unlock().IgnoreError();  // leave the queue so later contenders are not blocked by us
    return waited.status();
  }
  return absl::OkStatus();
}

absl::Status Mutex::TryLock() {
  auto held = Enqueue();
  if (!held.ok()) return held.status();
  if (*held) return absl::OkStatus();
  Unlock().IgnoreError();
  return absl::FailedPreconditionError("mutex: locked by another session");
}

absl::Status Mutex::Unlock() {
  auto deleted = session_->client()->kv().Delete(my_key_);
  if (!deleted.ok()) return deleted.status();
  my_key_ = std::string(1, '\0');
  my_revision_ = -1;
  return absl::OkStatus();
}

}  // namespace raftkv::client
