// The cluster's active alarms (etcd's alarm store): which member raised which alarm.
//
// Changed only by the apply loop, from committed AlarmRequests, so every member
// holds the same set; read by any thread (quota checks, Status, /health).
// Persisted in one small CRC-checked file, rewritten atomically on every change,
// so an alarm survives restarts exactly like etcd's (which keeps it in its backend).
#ifndef RAFTKV_SERVER_ALARM_ALARM_STORE_H_
#define RAFTKV_SERVER_ALARM_ALARM_STORE_H_

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "proto/rpc.pb.h"

namespace raftkv::server::alarm {

class AlarmStore {
 public:
  // Loads `path` if it exists (DataLoss if it is damaged); an absent file means
  // no alarm. The directory must exist.
  static absl::StatusOr<std::unique_ptr<AlarmStore>> Open(std::string path);

  // Applies a committed ACTIVATE or DEACTIVATE (GET changes nothing). The response
  // lists the alarm that changed: none when activating an active alarm or
  // deactivating an absent one (as etcd).
  absl::StatusOr<etcdserverpb::AlarmResponse> Apply(const etcdserverpb::AlarmRequest& request);

  // Active alarms of `type` (NONE: all), ordered by member id then type.
  std::vector<etcdserverpb::AlarmMember> List(
      etcdserverpb::AlarmType type = etcdserverpb::NONE) const;
  bool Has(etcdserverpb::AlarmType type) const;
  // Replaces every alarm by `alarms` (restoring a Raft snapshot), persisted first.
  absl::Status ReplaceAll(const std::vector<etcdserverpb::AlarmMember>& alarms);
  bool Empty() const;

 private:
  explicit AlarmStore(std::string path) : path_(std::move(path)) {}
  absl::Status Load();
  absl::Status Persist(const std::set<std::pair<uint64_t, int>>& alarms) const;

  const std::string path_;
  mutable std::mutex mu_;
  std::set<std::pair<uint64_t, int>> alarms_;  // (member id, AlarmType)
};

// etcd's text for an alarm in Status errors and `etcdctl alarm list`:
// "memberID:<decimal id> alarm:NOSPACE " (Go's compact proto text, trailing space).
std::string AlarmToString(const etcdserverpb::AlarmMember& alarm);

}  // namespace raftkv::server::alarm

#endif  // RAFTKV_SERVER_ALARM_ALARM_STORE_H_
