#include "server/transport/peer_transport.h"

#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "server/transport/peer_url.h"
#include "spdlog/spdlog.h"

namespace raftkv::transport {
namespace {

absl::StatusOr<std::vector<std::string>> GrpcTargetsFromUrls(const std::vector<std::string>& urls) {
  if (urls.empty()) return absl::InvalidArgumentError("peer has no URLs");
  std::vector<std::string> targets;
  for (const std::string& url : urls) {
    absl::StatusOr<std::string> target = GrpcTargetFromUrl(url);
    if (!target.ok()) return target.status();
    targets.push_back(*std::move(target));
  }
  return targets;
}

}  // namespace

PeerTransport::PeerTransport(uint64_t self_id, MessageHandler* handler,
                             PeerTransportOptions options)
    : self_id_(self_id),
      handler_(handler),
      options_(options),
      snapshot_sender_(handler, options_) {}

PeerTransport::~PeerTransport() { Stop(); }

absl::Status PeerTransport::AddPeer(uint64_t id, std::vector<std::string> urls) {
  if (id == self_id_) return absl::OkStatus();
  absl::StatusOr<std::vector<std::string>> targets = GrpcTargetsFromUrls(urls);
  if (!targets.ok()) return targets.status();
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_) return absl::OkStatus();
  auto it = peers_.find(id);
  if (it != peers_.end()) {
    it->second->UpdateTargets(*std::move(targets));
  } else {
    peers_[id] = std::make_unique<PeerSender>(id, *std::move(targets), handler_, options_);
  }
  return absl::OkStatus();
}

absl::Status PeerTransport::UpdatePeer(uint64_t id, std::vector<std::string> urls) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopped_ && id != self_id_ && peers_.count(id) == 0) {
      return absl::NotFoundError(absl::StrCat("unknown peer ", absl::Hex(id)));
    }
  }
  return AddPeer(id, std::move(urls));
}

void PeerTransport::RemovePeer(uint64_t id) {
  std::unique_ptr<PeerSender> removed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = peers_.find(id);
    if (it == peers_.end()) return;
    removed = std::move(it->second);
    peers_.erase(it);
  }
  removed->Stop();  // Outside the lock: joining may take up to a state-poll interval.
}

bool PeerTransport::HasPeer(uint64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return peers_.count(id) > 0;
}

void PeerTransport::Send(std::vector<raftpb::Message> messages) {
  // Group per peer first so each queue is locked once per call and order is preserved.
  std::map<uint64_t, std::vector<raftpb::Message>> by_peer;
  for (raftpb::Message& message : messages) by_peer[message.to()].push_back(std::move(message));

  std::vector<uint64_t> overflowed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    for (auto& [peer, peer_messages] : by_peer) {
      auto it = peers_.find(peer);
      if (it == peers_.end()) {
        SPDLOG_DEBUG("dropping {} messages to unknown peer {:x}", peer_messages.size(), peer);
        continue;
      }
      if (!it->second->Enqueue(std::move(peer_messages))) overflowed.push_back(peer);
    }
  }
  for (uint64_t peer : overflowed) handler_->OnUnreachable(peer);
}

void PeerTransport::SendSnapshot(raftpb::Message message, std::string snapshot_file_path) {
  const uint64_t peer = message.to();
  std::string target;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    auto it = peers_.find(peer);
    if (it != peers_.end()) target = it->second->CurrentTarget();
  }
  if (target.empty()) {
    SPDLOG_WARN("cannot send snapshot to unknown peer {:x}", peer);
    handler_->OnSnapshotStatus(peer, false);
    return;
  }
  snapshot_sender_.Start(peer, std::move(target), std::move(message),
                         std::move(snapshot_file_path));
}

void PeerTransport::Stop() {
  std::map<uint64_t, std::unique_ptr<PeerSender>> peers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    peers.swap(peers_);
  }
  // Cancel everything first, then join, so that Stop() takes one poll interval, not N.
  for (auto& [id, sender] : peers) sender->BeginStop();
  snapshot_sender_.Stop();
  for (auto& [id, sender] : peers) sender->Stop();
}

}  // namespace raftkv::transport
