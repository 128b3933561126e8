#include "server/transport/snapshot_sender.h"

#include <fstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "proto/peer.grpc.pb.h"
#include "server/transport/peer_channel.h"
#include "spdlog/spdlog.h"

namespace raftkv::transport {

SnapshotSender::SnapshotSender(MessageHandler* handler, const PeerTransportOptions& options)
    : handler_(handler), options_(options) {}

SnapshotSender::~SnapshotSender() { Stop(); }

void SnapshotSender::Start(uint64_t peer, std::string target, raftpb::Message message,
                           std::string file_path) {
  JoinFinishedTransfers();
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return;
  transfers_.push_back(std::make_unique<Transfer>());
  Transfer* transfer = transfers_.back().get();
  transfer->thread =
      std::thread([this, transfer, peer, target = std::move(target), message = std::move(message),
                   file_path = std::move(file_path)]() mutable {
        Run(transfer, peer, target, std::move(message), file_path);
      });
}

void SnapshotSender::Stop() {
  std::list<std::unique_ptr<Transfer>> transfers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (auto& transfer : transfers_) transfer->context->TryCancel();
    transfers.swap(transfers_);
  }
  for (auto& transfer : transfers) transfer->thread.join();
}

void SnapshotSender::JoinFinishedTransfers() {
  std::list<std::unique_ptr<Transfer>> finished;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = transfers_.begin(); it != transfers_.end();) {
      if ((*it)->done) {
        finished.push_back(std::move(*it));
        it = transfers_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& transfer : finished) transfer->thread.join();
}

void SnapshotSender::Run(Transfer* transfer, uint64_t peer, const std::string& target,
                         raftpb::Message message, const std::string& file_path) {
  const absl::Status status =
      StreamFile(transfer->context.get(), target, std::move(message), file_path);
  bool stopping;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping = stopping_;
  }
  if (!stopping) {
    if (status.ok()) {
      SPDLOG_INFO("peer {:x}: snapshot {} sent", peer, file_path);
    } else {
      SPDLOG_WARN("peer {:x}: snapshot {} failed: {}", peer, file_path, status.ToString());
      // Like a dropped message: Raft should probe the follower before retrying.
      handler_->OnUnreachable(peer);
    }
    handler_->OnSnapshotStatus(peer, status.ok());
  }
  std::lock_guard<std::mutex> lock(mu_);
  transfer->done = true;
}

absl::Status SnapshotSender::StreamFile(grpc::ClientContext* context, const std::string& target,
                                        raftpb::Message message, const std::string& file_path) {
  if (target.empty()) return absl::FailedPreconditionError("peer has no usable URL");
  std::ifstream file(file_path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot open snapshot file ", file_path));

  std::unique_ptr<peerpb::RaftPeer::Stub> stub =
      peerpb::RaftPeer::NewStub(CreatePeerChannel(target, options_));
  peerpb::SendAck ack;
  std::unique_ptr<grpc::ClientWriter<peerpb::SnapshotChunk>> writer =
      stub->SendSnapshot(context, &ack);

  peerpb::SnapshotChunk header;
  *header.mutable_message() = std::move(message);
  header.mutable_message()->mutable_snapshot()->clear_data();
  bool stream_ok = writer->Write(header);

  std::vector<char> buffer(options_.snapshot_chunk_bytes);
  while (stream_ok) {
    file.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (file.bad()) {
      context->TryCancel();
      writer->Finish();
      return absl::DataLossError(absl::StrCat("error reading snapshot file ", file_path));
    }
    const size_t bytes_read = static_cast<size_t>(file.gcount());
    peerpb::SnapshotChunk chunk;
    chunk.set_data(buffer.data(), bytes_read);
    chunk.set_last(bytes_read < buffer.size());
    stream_ok = writer->Write(chunk);
    if (chunk.last()) break;
  }
  if (stream_ok) writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) {
    return absl::UnavailableError(
        absl::StrCat("sending snapshot to ", target, ": ", status.error_message()));
  }
  return absl::OkStatus();
}

}  // namespace raftkv::transport
