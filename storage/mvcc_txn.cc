#include "storage/mvcc_txn.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "storage/kv_leveldb.h"
#include "storage/mvcc_compare.h"
#include "storage/mvcc_errors.h"
#include "storage/mvcc_range_options.h"

namespace raftkv::storage {

using etcdserverpb::RequestOp;
using etcdserverpb::TxnRequest;

MvccTxn::MvccTxn(const KeyIndexTree* index, leveldb::DB* db, int64_t current_revision,
                 int64_t compact_revision)
    : index_(index),
      db_(db),
      begin_revision_(current_revision),
      compact_revision_(compact_revision) {}

const KeyIndex* MvccTxn::FindIndex(const std::string& key) const {
  if (auto it = overlay_.find(key); it != overlay_.end()) return &it->second;
  if (auto it = index_->find(key); it != index_->end()) return &it->second;
  return nullptr;
}

KeyIndex& MvccTxn::MutableIndex(const std::string& key) {
  auto it = overlay_.find(key);
  if (it != overlay_.end()) return it->second;
  auto base = index_->find(key);
  return overlay_.emplace(key, base == index_->end() ? KeyIndex() : base->second).first->second;
}

std::vector<std::pair<std::string, KeyIndex::Hit>> MvccTxn::Lookup(const KeySpan& span,
                                                                   int64_t at_rev) const {
  std::vector<std::pair<std::string, KeyIndex::Hit>> hits;
  auto visit = [&](const std::string& key, const KeyIndex& entry) {
    if (std::optional<KeyIndex::Hit> hit = entry.Get(at_rev)) hits.emplace_back(key, *hit);
  };
  if (span.IsSingleKey()) {
    if (const KeyIndex* entry = FindIndex(span.key)) visit(span.key, *entry);
    return hits;
  }
  auto before_end = [&span](const std::string& key) {
    return span.IsOpenEnded() || key < span.end;
  };
  // Merge the shared index with this txn's private copies (which win).
  auto base = index_->lower_bound(span.key);
  auto mine = overlay_.lower_bound(span.key);
  while (true) {
    bool base_ok = base != index_->end() && before_end(base->first);
    bool mine_ok = mine != overlay_.end() && before_end(mine->first);
    if (!base_ok && !mine_ok) break;
    if (mine_ok && (!base_ok || mine->first <= base->first)) {
      if (base_ok && base->first == mine->first) ++base;
      visit(mine->first, mine->second);
      ++mine;
    } else {
      visit(base->first, base->second);
      ++base;
    }
  }
  return hits;
}

absl::StatusOr<StoredRecord> MvccTxn::ReadRecord(Revision revision) const {
  if (auto it = pending_.find(revision); it != pending_.end()) return it->second;
  std::string db_key = RecordKey(revision);
  std::string value;
  leveldb::Status status = db_->Get(VerifiedReadOptions(), db_key, &value);
  if (status.IsNotFound()) {
    return absl::DataLossError(absl::StrCat("mvcc: corrupted database: revision (", revision.main,
                                            ",", revision.sub, ") is indexed but missing"));
  }
  if (!status.ok()) return FromLevelDb(status, "read revision record");
  return DecodeRecord(db_key, value);
}

absl::StatusOr<MvccTxn::RangeResult> MvccTxn::RangeKeys(const KeySpan& span, int64_t at_rev,
                                                        int64_t limit, bool count_only) const {
  int64_t current = ReadRevision();
  if (at_rev > current) return FutureRevisionError();
  if (at_rev <= 0) at_rev = current;
  if (at_rev < compact_revision_) return CompactedError();
  auto hits = Lookup(span, at_rev);
  RangeResult result;
  result.count = static_cast<int64_t>(hits.size());
  if (count_only) return result;
  size_t n = hits.size();
  if (limit > 0 && static_cast<size_t>(limit) < n) n = static_cast<size_t>(limit);
  result.kvs.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    absl::StatusOr<StoredRecord> record = ReadRecord(hits[i].second.modified);
    if (!record.ok()) return record.status();
    result.kvs.push_back(std::move(record->kv));
  }
  return result;
}

absl::StatusOr<etcdserverpb::RangeResponse> MvccTxn::Range(
    const etcdserverpb::RangeRequest& r) const {
  if (r.key().empty()) return EmptyKeyError();
  absl::StatusOr<RangeResult> result =
      RangeKeys(KeySpan{r.key(), r.range_end()}, r.revision(), IndexFetchLimit(r), r.count_only());
  if (!result.ok()) return result.status();
  return FinishRange(r, std::move(result->kvs), result->count, ReadRevision());
}

void MvccTxn::Record(Revision revision, StoredRecord record) {
  std::string db_key = RecordKey(revision);
  batch_.Put(db_key, EncodeRecord(db_key, record));
  pending_[revision] = record;
  changes_.push_back(Change{revision, std::move(record)});
}

absl::StatusOr<etcdserverpb::PutResponse> MvccTxn::Put(const etcdserverpb::PutRequest& r) {
  if (r.key().empty()) return EmptyKeyError();
  if (r.ignore_value() && !r.value().empty()) return ValueProvidedError();
  if (r.ignore_lease() && r.lease() != 0) return LeaseProvidedError();
  etcdserverpb::PutResponse response;
  std::string value = r.value();
  int64_t lease = r.lease();
  if (r.ignore_value() || r.ignore_lease() || r.prev_kv()) {
    absl::StatusOr<RangeResult> previous = RangeKeys(KeySpan{r.key(), ""}, 0, 0, false);
    if (!previous.ok()) return previous.status();
    if ((r.ignore_value() || r.ignore_lease()) && previous->kvs.empty()) {
      return KeyNotFoundError();
    }
    if (r.ignore_value()) value = previous->kvs[0].value();
    if (r.ignore_lease()) lease = previous->kvs[0].lease();
    if (r.prev_kv() && !previous->kvs.empty()) *response.mutable_prev_kv() = previous->kvs[0];
  }
  int64_t revision = begin_revision_ + 1;
  StoredRecord record;
  record.kv.set_key(r.key());
  record.kv.set_value(std::move(value));
  record.kv.set_lease(lease);
  record.kv.set_mod_revision(revision);
  record.kv.set_create_revision(revision);
  record.kv.set_version(1);
  if (const KeyIndex* entry = FindIndex(r.key())) {
    if (std::optional<KeyIndex::Hit> hit = entry->Get(revision)) {
      record.kv.set_create_revision(hit->created.main);
      record.kv.set_version(hit->version + 1);
    }
  }
  Revision at{revision, static_cast<int64_t>(changes_.size())};
  MutableIndex(r.key()).Put(at);
  Record(at, std::move(record));
  response.mutable_header()->set_revision(revision);
  return response;
}

absl::StatusOr<etcdserverpb::DeleteRangeResponse> MvccTxn::DeleteRange(
    const etcdserverpb::DeleteRangeRequest& r) {
  if (r.key().empty()) return EmptyKeyError();
  KeySpan span{r.key(), r.range_end()};
  etcdserverpb::DeleteRangeResponse response;
  if (r.prev_kv()) {
    absl::StatusOr<RangeResult> previous = RangeKeys(span, 0, 0, false);
    if (!previous.ok()) return previous.status();
    for (mvccpb::KeyValue& kv : previous->kvs) *response.add_prev_kvs() = std::move(kv);
  }
  auto live = Lookup(span, ReadRevision());
  for (const auto& [key, hit] : live) {
    Revision at{begin_revision_ + 1, static_cast<int64_t>(changes_.size())};
    MutableIndex(key).Tombstone(at);
    StoredRecord record;
    record.tombstone = true;
    record.kv.set_key(key);
    Record(at, std::move(record));
  }
  response.set_deleted(static_cast<int64_t>(live.size()));
  response.mutable_header()->set_revision(ReadRevision());
  return response;
}

void MvccTxn::ComputePath(const TxnRequest& r, std::vector<bool>* path) const {
  bool succeeded = true;
  for (const etcdserverpb::Compare& compare : r.compare()) {
    absl::StatusOr<RangeResult> keys =
        RangeKeys(KeySpan{compare.key(), compare.range_end()}, 0, 0, false);
    if (!keys.ok() || !CompareHolds(compare, keys->kvs)) {
      succeeded = false;
      break;
    }
  }
  path->push_back(succeeded);
  for (const RequestOp& op : succeeded ? r.success() : r.failure()) {
    if (op.has_request_txn()) ComputePath(op.request_txn(), path);
  }
}

absl::Status MvccTxn::CheckOps(const TxnRequest& r, const std::vector<bool>& path,
                               size_t* pos) const {
  bool succeeded = path[(*pos)++];
  for (const RequestOp& op : succeeded ? r.success() : r.failure()) {
    switch (op.request_case()) {
      case RequestOp::kRequestTxn:
        if (absl::Status s = CheckOps(op.request_txn(), path, pos); !s.ok()) return s;
        break;
      case RequestOp::kRequestPut: {
        const etcdserverpb::PutRequest& put = op.request_put();
        if (put.key().empty()) return EmptyKeyError();
        if (put.ignore_value() && !put.value().empty()) return ValueProvidedError();
        if (put.ignore_lease() && put.lease() != 0) return LeaseProvidedError();
        if ((put.ignore_value() || put.ignore_lease()) &&
            Lookup(KeySpan{put.key(), ""}, ReadRevision()).empty()) {
          return KeyNotFoundError();
        }
        break;
      }
      case RequestOp::kRequestRange: {
        const etcdserverpb::RangeRequest& range = op.request_range();
        if (range.key().empty()) return EmptyKeyError();
        if (range.revision() == 0) break;
        if (range.revision() > ReadRevision()) return FutureRevisionError();
        if (range.revision() < compact_revision_) return CompactedError();
        break;
      }
      case RequestOp::kRequestDeleteRange:
        if (op.request_delete_range().key().empty()) return EmptyKeyError();
        break;
      default:
        break;
    }
  }
  return absl::OkStatus();
}

absl::Status MvccTxn::ApplyOps(const TxnRequest& r, const std::vector<bool>& path, size_t* pos,
                               etcdserverpb::TxnResponse* response) {
  bool succeeded = path[(*pos)++];
  response->set_succeeded(succeeded);
  for (const RequestOp& op : succeeded ? r.success() : r.failure()) {
    etcdserverpb::ResponseOp* out = response->add_responses();
    switch (op.request_case()) {
      case RequestOp::kRequestRange: {
        auto result = Range(op.request_range());
        if (!result.ok()) return result.status();
        *out->mutable_response_range() = std::move(*result);
        break;
      }
      case RequestOp::kRequestPut: {
        auto result = Put(op.request_put());
        if (!result.ok()) return result.status();
        *out->mutable_response_put() = std::move(*result);
        break;
      }
      case RequestOp::kRequestDeleteRange: {
        auto result = DeleteRange(op.request_delete_range());
        if (!result.ok()) return result.status();
        *out->mutable_response_delete_range() = std::move(*result);
        break;
      }
      case RequestOp::kRequestTxn: {
        // etcd leaves nested txn headers empty (revision 0).
        etcdserverpb::TxnResponse* nested = out->mutable_response_txn();
        nested->mutable_header();
        if (absl::Status s = ApplyOps(op.request_txn(), path, pos, nested); !s.ok()) return s;
        break;
      }
      default:
        break;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<etcdserverpb::TxnResponse> MvccTxn::Txn(const TxnRequest& r) {
  std::vector<bool> path;
  ComputePath(r, &path);
  size_t pos = 0;
  if (absl::Status s = CheckOps(r, path, &pos); !s.ok()) return s;
  etcdserverpb::TxnResponse response;
  pos = 0;
  if (absl::Status s = ApplyOps(r, path, &pos, &response); !s.ok()) return s;
  response.mutable_header()->set_revision(ReadRevision());
  return response;
}

absl::StatusOr<std::vector<mvccpb::Event>> MvccTxn::BuildEvents() const {
  std::vector<mvccpb::Event> events;
  events.reserve(changes_.size());
  int64_t revision = begin_revision_ + 1;
  for (const Change& change : changes_) {
    mvccpb::Event event;
    const std::string& key = change.record.kv.key();
    if (change.record.tombstone) {
      event.set_type(mvccpb::Event::DELETE);
      event.mutable_kv()->set_key(key);
      event.mutable_kv()->set_mod_revision(revision);
    } else {
      event.set_type(mvccpb::Event::PUT);
      *event.mutable_kv() = change.record.kv;
    }
    // The previous value is the committed one, as etcd's watchers see it.
    if (auto base = index_->find(key); base != index_->end()) {
      if (std::optional<KeyIndex::Hit> hit = base->second.Get(begin_revision_)) {
        absl::StatusOr<StoredRecord> previous = ReadRecord(hit->modified);
        if (!previous.ok()) return previous.status();
        *event.mutable_prev_kv() = std::move(previous->kv);
      }
    }
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace raftkv::storage
