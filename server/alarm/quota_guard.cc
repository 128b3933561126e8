#include "server/alarm/quota_guard.h"

#include "spdlog/spdlog.h"

namespace raftkv::server::alarm {

absl::Status NoSpaceError() {
  return absl::ResourceExhaustedError("etcdserver: mvcc: database space exceeded");
}

QuotaGuard::QuotaGuard(Options options, const AlarmStore* alarms, std::function<int64_t()> db_size,
                       std::function<absl::Status(const etcdserverpb::AlarmRequest&)> raise_alarm)
    : quota_bytes_(options.quota_bytes == 0 ? kDefaultQuotaBytes : options.quota_bytes),
      member_id_(options.member_id),
      alarms_(alarms),
      db_size_(std::move(db_size)),
      raise_alarm_(std::move(raise_alarm)) {}

absl::Status QuotaGuard::CheckWrite(size_t request_bytes) const {
  if (quota_bytes_ < 0) return absl::OkStatus();
  if (alarms_->Has(etcdserverpb::NOSPACE)) return NoSpaceError();
  const int64_t cost = int64_t(request_bytes) + kPerRequestOverheadBytes;
  if (db_size_() + cost < quota_bytes_) return absl::OkStatus();
  etcdserverpb::AlarmRequest raise;
  raise.set_action(etcdserverpb::AlarmRequest::ACTIVATE);
  raise.set_memberid(member_id_);
  raise.set_alarm(etcdserverpb::NOSPACE);
  if (absl::Status s = raise_alarm_(raise); !s.ok()) {
    // The write is refused either way; the next one retries raising the alarm.
    spdlog::warn("raising the NOSPACE alarm failed: {}", s.ToString());
  }
  return NoSpaceError();
}

bool TxnHasPut(const etcdserverpb::TxnRequest& txn) {
  for (const auto* ops : {&txn.success(), &txn.failure()}) {
    for (const auto& op : *ops) {
      if (op.has_request_put()) return true;
      if (op.has_request_txn() && TxnHasPut(op.request_txn())) return true;
    }
  }
  return false;
}

}  // namespace raftkv::server::alarm
