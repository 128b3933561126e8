#include "server/api/maintenance_service.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "server/alarm/alarm_store.h"
#include "server/api/errors.h"
#include "server/backup/backup_file.h"
#include "server/version.h"
#include "spdlog/spdlog.h"

namespace raftkv::server::api {
namespace {

// etcd sends snapshots in 32 KiB messages.
constexpr size_t kSnapshotChunkBytes = 32 * 1024;

grpc::Status NotLeader() {
  return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "etcdserver: not leader");
}

grpc::Status BadLeaderTransferee() {
  return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "etcdserver: bad leader transferee");
}

// A fresh directory per Snapshot call, so concurrent downloads never collide.
std::string UniqueScratchDir(const std::string& base) {
  static std::atomic<uint64_t> next{0};
  return (std::filesystem::path(base) / absl::StrCat("backup-", ::getpid(), "-", next++)).string();
}

// Cuts the backup byte stream (prefix, file, padding) into etcd-sized messages and
// digests it on the way.
class SnapshotSender {
 public:
  SnapshotSender(grpc::ServerWriter<etcdserverpb::SnapshotResponse>* writer, uint64_t total)
      : writer_(writer), remaining_(total) {}

  absl::Status Write(std::string_view bytes) {
    while (!bytes.empty()) {
      const size_t n = std::min(bytes.size(), kSnapshotChunkBytes - buffer_.size());
      buffer_.append(bytes.data(), n);
      bytes.remove_prefix(n);
      if (buffer_.size() == kSnapshotChunkBytes) {
        if (absl::Status s = Flush(); !s.ok()) return s;
      }
    }
    return absl::OkStatus();
  }

  // Sends what is buffered, then the digest message (remaining_bytes 0), as etcd.
  absl::Status Finish() {
    if (!buffer_.empty()) {
      if (absl::Status s = Flush(); !s.ok()) return s;
    }
    etcdserverpb::SnapshotResponse digest;
    digest.set_remaining_bytes(0);
    digest.set_blob(sha_.Finish());
    if (!writer_->Write(digest)) return absl::CancelledError("snapshot stream closed by client");
    return absl::OkStatus();
  }

 private:
  absl::Status Flush() {
    sha_.Update(buffer_);
    remaining_ -= buffer_.size();
    etcdserverpb::SnapshotResponse response;
    response.set_remaining_bytes(remaining_);
    response.set_blob(std::move(buffer_));
    buffer_.clear();
    if (!writer_->Write(response)) return absl::CancelledError("snapshot stream closed by client");
    return absl::OkStatus();
  }

  grpc::ServerWriter<etcdserverpb::SnapshotResponse>* writer_;
  uint64_t remaining_;
  std::string buffer_;
  backup::Sha256 sha_;
};

}  // namespace

grpc::Status MaintenanceService::Status(grpc::ServerContext*, const etcdserverpb::StatusRequest*,
                                        etcdserverpb::StatusResponse* response) {
  const ReplicationLog::Status log = context_.core->LogStatus();
  context_.core->FillHeader(response->mutable_header());
  response->set_version(kEtcdCompatibleVersion);
  const int64_t db_size = context_.core->store()->DbSizeBytes();
  response->set_dbsize(db_size);
  // LevelDB reclaims space by compaction, so all of the files count as in use.
  response->set_dbsizeinuse(db_size);
  response->set_leader(log.leader_id);
  response->set_raftindex(log.commit_index);
  response->set_raftterm(log.term);
  response->set_raftappliedindex(context_.core->AppliedIndex());
  const uint64_t self = context_.core->options().member_id;
  if (context_.membership) {
    auto member = context_.membership->Get(self);
    response->set_islearner(member.has_value() && member->is_learner);
  }
  if (log.leader_id == 0) response->add_errors("etcdserver: no leader");
  if (context_.alarms) {
    for (const auto& alarm : context_.alarms->List()) {
      response->add_errors(alarm::AlarmToString(alarm));
    }
  }
  return grpc::Status::OK;
}

bool MaintenanceService::HasAlarm(uint64_t member_id, etcdserverpb::AlarmType type) const {
  for (const auto& alarm : context_.alarms->List(type)) {
    if (alarm.memberid() == member_id) return true;
  }
  return false;
}

// GET reads the local (applied) alarm table; ACTIVATE/DEACTIVATE go through Raft so
// every member changes its table at the same log position.
grpc::Status MaintenanceService::Alarm(grpc::ServerContext*,
                                       const etcdserverpb::AlarmRequest* request,
                                       etcdserverpb::AlarmResponse* response) {
  if (request->action() == etcdserverpb::AlarmRequest::GET) {
    if (context_.alarms) {
      for (auto& alarm : context_.alarms->List(request->alarm())) {
        *response->add_alarms() = std::move(alarm);
      }
    }
    context_.core->FillHeader(response->mutable_header());
    return grpc::Status::OK;
  }
  if (!context_.alarms) return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "no alarm store");
  const bool activate = request->action() == etcdserverpb::AlarmRequest::ACTIVATE;
  const bool was_active = HasAlarm(request->memberid(), request->alarm());
  internalpb::InternalRequest internal;
  *internal.mutable_alarm() = *request;
  if (absl::Status s = context_.core->ProposeCommand(std::move(internal)); !s.ok()) {
    return ToGrpcStatus(s);
  }
  // Like etcd, report the alarm only if this request changed it.
  const bool is_active = HasAlarm(request->memberid(), request->alarm());
  if (request->alarm() != etcdserverpb::NONE && was_active != is_active && is_active == activate) {
    auto* alarm = response->add_alarms();
    alarm->set_memberid(request->memberid());
    alarm->set_alarm(request->alarm());
  }
  context_.core->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status MaintenanceService::Defragment(grpc::ServerContext*,
                                            const etcdserverpb::DefragmentRequest*,
                                            etcdserverpb::DefragmentResponse* response) {
  if (absl::Status s = context_.core->store()->Defragment(); !s.ok()) return ToGrpcStatus(s);
  context_.core->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

// etcd hashes its whole backend file; raftkv hashes every stored revision, which is
// equal on members that applied the same history.
grpc::Status MaintenanceService::Hash(grpc::ServerContext*, const etcdserverpb::HashRequest*,
                                      etcdserverpb::HashResponse* response) {
  int64_t compact_revision = 0;
  const int64_t revision = context_.core->store()->CurrentRevision();
  absl::StatusOr<uint32_t> hash = context_.core->store()->HashKV(revision, &compact_revision);
  if (!hash.ok()) return ToGrpcStatus(hash.status());
  response->set_hash(*hash);
  response->mutable_header()->set_revision(revision);
  context_.core->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status MaintenanceService::HashKV(grpc::ServerContext*,
                                        const etcdserverpb::HashKVRequest* request,
                                        etcdserverpb::HashKVResponse* response) {
  int64_t compact_revision = 0;
  storage::MvccStore* store = context_.core->store();
  const int64_t revision = request->revision() > 0 ? request->revision() : store->CurrentRevision();
  absl::StatusOr<uint32_t> hash = store->HashKV(request->revision(), &compact_revision);
  if (!hash.ok()) return ToGrpcStatus(hash.status());
  response->set_hash(*hash);
  response->set_compact_revision(compact_revision);
  // etcd reports the revision the hash covers.
  response->mutable_header()->set_revision(revision);
  context_.core->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status MaintenanceService::Snapshot(
    grpc::ServerContext*, const etcdserverpb::SnapshotRequest*,
    grpc::ServerWriter<etcdserverpb::SnapshotResponse>* writer) {
  if (!context_.save_snapshot) {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "snapshots are not configured");
  }
  const std::string dir = UniqueScratchDir(context_.scratch_dir);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return grpc::Status(grpc::StatusCode::INTERNAL,
                        absl::StrCat("cannot create ", dir, ": ", error.message()));
  }
  raftpb::SnapshotMetadata metadata;
  metadata.set_index(context_.core->store()->AppliedIndex());
  metadata.set_term(context_.core->LogStatus().term);
  absl::StatusOr<std::string> path = context_.save_snapshot(dir, metadata);
  absl::Status streamed = path.ok() ? StreamFile(*path, writer) : path.status();
  std::filesystem::remove_all(dir, error);
  if (!streamed.ok()) spdlog::warn("snapshot to client failed: {}", streamed.ToString());
  return ToGrpcStatus(streamed);
}

absl::Status MaintenanceService::StreamFile(
    const std::string& path, grpc::ServerWriter<etcdserverpb::SnapshotResponse>* writer) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return absl::InternalError(absl::StrCat("cannot open ", path));
  const uint64_t size = uint64_t(in.tellg());
  in.seekg(0);
  spdlog::info("sending database snapshot to client ({} bytes)", size);
  SnapshotSender sender(writer, backup::BackupBodySize(size));
  if (absl::Status s = sender.Write(backup::BackupPrefix(size)); !s.ok()) return s;
  std::string buffer(kSnapshotChunkBytes, '\0');
  uint64_t left = size;
  while (left > 0) {
    const size_t n = size_t(std::min<uint64_t>(left, buffer.size()));
    in.read(buffer.data(), std::streamsize(n));
    if (!in) return absl::InternalError(absl::StrCat("cannot read ", path));
    if (absl::Status s = sender.Write(std::string_view(buffer.data(), n)); !s.ok()) return s;
    left -= n;
  }
  if (absl::Status s = sender.Write(std::string(backup::BackupPaddingSize(size), '\0')); !s.ok()) {
    return s;
  }
  return sender.Finish();
}

grpc::Status MaintenanceService::MoveLeader(grpc::ServerContext*,
                                            const etcdserverpb::MoveLeaderRequest* request,
                                            etcdserverpb::MoveLeaderResponse* response) {
  if (!context_.raft || !context_.raft->IsLeader()) return NotLeader();
  std::optional<Member> target =
      context_.membership ? context_.membership->Get(request->targetid()) : std::nullopt;
  if (!target.has_value() || target->is_learner) return BadLeaderTransferee();
  if (request->targetid() != context_.raft->member_id()) {
    absl::Status moved =
        context_.raft->TransferLeadership(request->targetid(), context_.move_leader_timeout);
    if (absl::IsDeadlineExceeded(moved)) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, std::string(moved.message()));
    }
    if (!moved.ok()) return ToGrpcStatus(moved);
  }
  context_.core->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

}  // namespace raftkv::server::api
