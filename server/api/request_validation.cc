#include "server/api/request_validation.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/etcd_errors.h"

namespace raftkv::server::api {
namespace {

absl::Status ValidateOp(const etcdserverpb::RequestOp& op, int64_t max_txn_ops);

absl::Status ValidateTxnOps(const etcdserverpb::TxnRequest& request, int64_t max_txn_ops) {
  const int64_t ops =
      std::max({request.compare_size(), request.success_size(), request.failure_size()});
  if (ops > max_txn_ops) return etcd_errors::TooManyOps();
  for (const auto& compare : request.compare()) {
    if (compare.key().empty()) return etcd_errors::EmptyKey();
  }
  // As in etcd, a nested txn gets the budget left after its parent's widest list.
  for (const auto* branch : {&request.success(), &request.failure()}) {
    for (const auto& op : *branch) {
      if (absl::Status s = ValidateOp(op, max_txn_ops - ops); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateOp(const etcdserverpb::RequestOp& op, int64_t max_txn_ops) {
  switch (op.request_case()) {
    case etcdserverpb::RequestOp::kRequestRange:
      return ValidateRange(op.request_range());
    case etcdserverpb::RequestOp::kRequestPut:
      return ValidatePut(op.request_put());
    case etcdserverpb::RequestOp::kRequestDeleteRange:
      return ValidateDeleteRange(op.request_delete_range());
    case etcdserverpb::RequestOp::kRequestTxn:
      return ValidateTxnOps(op.request_txn(), max_txn_ops);
    default:
      return etcd_errors::KeyNotFound();  // etcd's answer to an empty op
  }
}

// Key intervals with etcd's "affine" ordering, where the empty string sorts after every
// other string (so an empty end means "unbounded"). A delete of one key k is [k, k+"\0").
class AffineIntervals {
 public:
  void Add(std::string begin, std::string end) {
    intervals_.emplace_back(std::move(begin), std::move(end));
  }
  void AddAll(const AffineIntervals& other) {
    intervals_.insert(intervals_.end(), other.intervals_.begin(), other.intervals_.end());
  }
  bool ContainsPoint(const std::string& key) const {
    const std::string point_end = key + std::string(1, '\0');
    for (const auto& [begin, end] : intervals_) {
      if (Less(begin, point_end) && Less(key, end)) return true;
    }
    return false;
  }

 private:
  static bool Less(const std::string& a, const std::string& b) {
    if (a.empty()) return false;
    if (b.empty()) return true;
    return a < b;
  }
  std::vector<std::pair<std::string, std::string>> intervals_;
};

struct Writes {
  std::set<std::string> puts;
  AffineIntervals deletes;
};

// A key may be written at most once per txn: no two puts of one key and no put of a
// key that a delete covers. The then/else branches of a nested txn are exclusive, so
// they may put the same key.
absl::Status CheckOverlaps(const google::protobuf::RepeatedPtrField<etcdserverpb::RequestOp>& ops,
                           Writes* writes) {
  for (const auto& op : ops) {
    if (!op.has_request_delete_range()) continue;
    const auto& del = op.request_delete_range();
    if (del.range_end().empty()) {
      writes->deletes.Add(del.key(), del.key() + std::string(1, '\0'));
    } else {
      writes->deletes.Add(del.key(), del.range_end());
    }
  }
  for (const auto& op : ops) {
    if (!op.has_request_txn()) continue;
    Writes then_writes, else_writes;
    if (absl::Status s = CheckOverlaps(op.request_txn().success(), &then_writes); !s.ok()) {
      return s;
    }
    if (absl::Status s = CheckOverlaps(op.request_txn().failure(), &else_writes); !s.ok()) {
      return s;
    }
    for (const auto& key : then_writes.puts) {
      if (writes->puts.count(key) || writes->deletes.ContainsPoint(key)) {
        return etcd_errors::DuplicateKey();
      }
      writes->puts.insert(key);
    }
    for (const auto& key : else_writes.puts) {
      if (writes->puts.count(key) && !then_writes.puts.count(key)) {
        return etcd_errors::DuplicateKey();
      }
      if (writes->deletes.ContainsPoint(key)) return etcd_errors::DuplicateKey();
      writes->puts.insert(key);
    }
    writes->deletes.AddAll(then_writes.deletes);
    writes->deletes.AddAll(else_writes.deletes);
  }
  for (const auto& op : ops) {
    if (!op.has_request_put()) continue;
    const std::string& key = op.request_put().key();
    if (writes->puts.count(key) || writes->deletes.ContainsPoint(key)) {
      return etcd_errors::DuplicateKey();
    }
    writes->puts.insert(key);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateRange(const etcdserverpb::RangeRequest& request) {
  if (request.key().empty()) return etcd_errors::EmptyKey();
  return absl::OkStatus();
}

absl::Status ValidatePut(const etcdserverpb::PutRequest& request) {
  if (request.key().empty()) return etcd_errors::EmptyKey();
  if (request.ignore_value() && !request.value().empty()) return etcd_errors::ValueProvided();
  if (request.ignore_lease() && request.lease() != 0) return etcd_errors::LeaseProvided();
  return absl::OkStatus();
}

absl::Status ValidateDeleteRange(const etcdserverpb::DeleteRangeRequest& request) {
  if (request.key().empty()) return etcd_errors::EmptyKey();
  return absl::OkStatus();
}

absl::Status ValidateTxn(const etcdserverpb::TxnRequest& request, int64_t max_txn_ops) {
  if (absl::Status s = ValidateTxnOps(request, max_txn_ops); !s.ok()) return s;
  // Overlaps are checked after the size limits, which bound the quadratic work here.
  Writes success, failure;
  if (absl::Status s = CheckOverlaps(request.success(), &success); !s.ok()) return s;
  return CheckOverlaps(request.failure(), &failure);
}

}  // namespace raftkv::server::api
