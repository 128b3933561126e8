#include "server/transport/peer_service.h"

#include <iterator>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "server/transport/incoming_snapshot_file.h"
#include "spdlog/spdlog.h"

namespace raftkv::transport {
namespace {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace

PeerService::PeerService(MessageHandler* handler, PeerServiceOptions options)
    : handler_(handler), options_(std::move(options)) {}

grpc::Status PeerService::Send(grpc::ServerContext* /*context*/,
                               grpc::ServerReader<raftpb::MessageBatch>* reader,
                               peerpb::SendAck* /*response*/) {
  raftpb::MessageBatch batch;
  while (reader->Read(&batch)) {
    if (batch.messages().empty()) continue;
    std::vector<raftpb::Message> messages(
        std::make_move_iterator(batch.mutable_messages()->begin()),
        std::make_move_iterator(batch.mutable_messages()->end()));
    handler_->OnMessages(std::move(messages));
  }
  return grpc::Status::OK;
}

grpc::Status PeerService::SendSnapshot(grpc::ServerContext* /*context*/,
                                       grpc::ServerReader<peerpb::SnapshotChunk>* reader,
                                       peerpb::SendAck* /*response*/) {
  peerpb::SnapshotChunk chunk;
  if (!reader->Read(&chunk) || !chunk.has_message()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "the first snapshot chunk must carry the raft message");
  }
  raftpb::Message message = std::move(*chunk.mutable_message());
  message.mutable_snapshot()->clear_data();

  absl::StatusOr<std::unique_ptr<IncomingSnapshotFile>> file =
      IncomingSnapshotFile::Create(options_.snapshot_dir);
  if (!file.ok()) return ToGrpcStatus(file.status());
  bool last = false;
  do {
    if (absl::Status status = (*file)->Append(chunk.data()); !status.ok()) {
      return ToGrpcStatus(status);
    }
    last = chunk.last();
  } while (!last && reader->Read(&chunk));
  if (!last) {
    // The sender died or was cancelled: the part file is deleted with `file`.
    return grpc::Status(grpc::StatusCode::ABORTED, "snapshot stream ended before its last chunk");
  }

  const std::string final_name =
      absl::StrFormat("incoming-%016x-%016x-%s.snap", message.snapshot().metadata().term(),
                      message.snapshot().metadata().index(), (*file)->unique_id());
  absl::StatusOr<std::string> path = (*file)->Commit(final_name);
  if (!path.ok()) return ToGrpcStatus(path.status());
  SPDLOG_INFO("received snapshot from {:x} at index {} into {}", message.from(),
              message.snapshot().metadata().index(), *path);
  handler_->OnSnapshot(std::move(message), *std::move(path));
  return grpc::Status::OK;
}

grpc::Status PeerService::GetClusterInfo(grpc::ServerContext* /*context*/,
                                         const peerpb::ClusterInfoRequest* /*request*/,
                                         peerpb::ClusterInfo* response) {
  if (!options_.cluster_info) {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "cluster info is not available");
  }
  absl::StatusOr<peerpb::ClusterInfo> info = options_.cluster_info();
  if (!info.ok()) return ToGrpcStatus(info.status());
  *response = *std::move(info);
  return grpc::Status::OK;
}

}  // namespace raftkv::transport
