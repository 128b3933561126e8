#include "server/transport/peer_sender.h"

#include <algorithm>
#include <utility>

#include "server/transport/peer_channel.h"
#include "spdlog/spdlog.h"

namespace raftkv::transport {
namespace {

// How long one wait for a channel state change may last: bounds Stop() latency while the
// peer is down.
constexpr std::chrono::milliseconds kStatePollInterval{100};

}  // namespace

PeerSender::PeerSender(uint64_t peer_id, std::vector<std::string> targets, MessageHandler* handler,
                       const PeerTransportOptions& options)
    : peer_id_(peer_id), handler_(handler), options_(options), targets_(std::move(targets)) {
  thread_ = std::thread([this] { Run(); });
}

PeerSender::~PeerSender() { Stop(); }

bool PeerSender::Enqueue(std::vector<raftpb::Message> messages) {
  bool dropped = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return true;
    for (raftpb::Message& message : messages) {
      if (queue_.size() >= options_.max_queued_messages_per_peer) {
        dropped = true;
        continue;
      }
      queue_.push_back(std::move(message));
    }
    if (dropped && overflow_reported_) dropped = false;  // One report per overflow episode.
    if (dropped) overflow_reported_ = true;
  }
  cv_.notify_all();
  if (dropped) SPDLOG_WARN("peer {:x}: send queue full, dropping messages", peer_id_);
  return !dropped;
}

void PeerSender::UpdateTargets(std::vector<std::string> targets) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    targets_ = std::move(targets);
    target_index_ = 0;
    ++generation_;
    if (active_context_) active_context_->TryCancel();
  }
  cv_.notify_all();
}

std::string PeerSender::CurrentTarget() const {
  std::lock_guard<std::mutex> lock(mu_);
  return targets_.empty() ? std::string() : targets_[target_index_];
}

void PeerSender::BeginStop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    queue_.clear();
    if (active_context_) active_context_->TryCancel();
  }
  cv_.notify_all();
}

void PeerSender::Stop() {
  BeginStop();
  if (thread_.joinable()) thread_.join();
}

void PeerSender::Run() {
  std::chrono::milliseconds backoff = options_.min_backoff;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    if (!WaitUntilConnected()) continue;
    switch (StreamUntilBroken()) {
      case StreamEnd::kStopped:
        return;
      case StreamEnd::kRetargeted:
        backoff = options_.min_backoff;
        continue;
      case StreamEnd::kBrokenAfterWrites:
        backoff = options_.min_backoff;
        break;
      case StreamEnd::kBrokenWithoutWrites:
        backoff = std::min(backoff * 2, options_.max_backoff);
        break;
    }
    SleepInterruptibly(backoff);
  }
}

std::shared_ptr<grpc::Channel> PeerSender::ChannelForCurrentTarget() {
  std::string target = CurrentTarget();
  if (target.empty()) return nullptr;
  if (channel_ == nullptr || channel_target_ != target) {
    channel_ = CreatePeerChannel(target, options_);
    channel_target_ = std::move(target);
  }
  return channel_;
}

bool PeerSender::WaitUntilConnected() {
  std::shared_ptr<grpc::Channel> channel = ChannelForCurrentTarget();
  if (channel == nullptr) {  // No usable URL: nothing can be delivered.
    DropQueuedAndReportUnreachable();
    SleepInterruptibly(options_.max_backoff);
    return false;
  }
  const grpc_connectivity_state state = channel->GetState(/*try_to_connect=*/true);
  if (state == GRPC_CHANNEL_READY) {
    connected_ = true;
    return true;
  }
  const auto now = std::chrono::steady_clock::now();
  if (connected_) {
    connected_ = false;
    unreachable_since_ = now;
  }
  if (state == GRPC_CHANNEL_TRANSIENT_FAILURE) DropQueuedAndReportUnreachable();
  if (now - unreachable_since_ >= options_.connect_timeout) {
    // Still not reachable: give up on what is queued and try the peer's next URL.
    DropQueuedAndReportUnreachable();
    unreachable_since_ = now;
    std::lock_guard<std::mutex> lock(mu_);
    if (!targets_.empty()) target_index_ = (target_index_ + 1) % targets_.size();
  }
  channel->WaitForStateChange(state, std::chrono::system_clock::now() + kStatePollInterval);
  return false;
}

PeerSender::StreamEnd PeerSender::StreamUntilBroken() {
  auto context = std::make_shared<grpc::ClientContext>();
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return StreamEnd::kStopped;
    generation = generation_;
    active_context_ = context;  // Published first so that Stop() can cancel a blocked Write.
  }
  peerpb::SendAck ack;
  std::unique_ptr<peerpb::RaftPeer::Stub> stub = peerpb::RaftPeer::NewStub(channel_);
  std::unique_ptr<grpc::ClientWriter<raftpb::MessageBatch>> writer =
      stub->Send(context.get(), &ack);

  bool wrote_any = false;
  StreamEnd end;
  raftpb::MessageBatch batch;
  while (true) {
    batch.Clear();
    if (!TakeBatch(generation, &batch, &end)) break;
    if (!writer->Write(batch)) {
      end = wrote_any ? StreamEnd::kBrokenAfterWrites : StreamEnd::kBrokenWithoutWrites;
      break;
    }
    wrote_any = true;
    std::lock_guard<std::mutex> lock(mu_);
    overflow_reported_ = false;
  }
  context->TryCancel();
  const grpc::Status status = writer->Finish();

  bool stopping;
  {
    std::lock_guard<std::mutex> lock(mu_);
    active_context_.reset();
    stopping = stopping_;
  }
  if (stopping) return StreamEnd::kStopped;
  if (end == StreamEnd::kBrokenAfterWrites || end == StreamEnd::kBrokenWithoutWrites) {
    SPDLOG_INFO("peer {:x}: stream to {} broke ({}): {}", peer_id_, channel_target_,
                static_cast<int>(status.error_code()), status.error_message());
    // The batch in hand was not sent.
    handler_->OnUnreachable(peer_id_);
  }
  return end;
}

bool PeerSender::TakeBatch(uint64_t generation, raftpb::MessageBatch* batch, StreamEnd* end) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return stopping_ || generation_ != generation || !queue_.empty(); });
  if (stopping_) {
    *end = StreamEnd::kStopped;
    return false;
  }
  if (generation_ != generation) {
    *end = StreamEnd::kRetargeted;
    return false;
  }
  size_t bytes = 0;
  while (!queue_.empty() && bytes < options_.max_batch_bytes) {
    bytes += queue_.front().ByteSizeLong();
    *batch->add_messages() = std::move(queue_.front());
    queue_.pop_front();
  }
  return true;
}

void PeerSender::DropQueuedAndReportUnreachable() {
  bool dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    dropped = !queue_.empty() && !stopping_;
    queue_.clear();
    overflow_reported_ = false;
  }
  if (dropped) handler_->OnUnreachable(peer_id_);
}

void PeerSender::SleepInterruptibly(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, delay, [&] { return stopping_; });
}

}  // namespace raftkv::transport
