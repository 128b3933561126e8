#include "raft/read_only.h"

namespace raftkv::raft {

void ReadOnly::AddRequest(uint64_t index, const Message& request) {
  const std::string& ctx = request.entries(0).data();
  if (pending_.count(ctx)) return;
  ReadIndexStatus status;
  status.request = request;
  status.index = index;
  pending_.emplace(ctx, std::move(status));
  queue_.push_back(ctx);
}

const std::set<uint64_t>* ReadOnly::RecvAck(uint64_t from, const std::string& ctx) {
  auto it = pending_.find(ctx);
  if (it == pending_.end()) return nullptr;
  it->second.acks.insert(from);
  return &it->second.acks;
}

std::vector<ReadIndexStatus> ReadOnly::Advance(const std::string& ctx) {
  std::vector<ReadIndexStatus> released;
  if (!pending_.count(ctx)) return released;
  while (!queue_.empty()) {
    std::string front = std::move(queue_.front());
    queue_.pop_front();
    auto node = pending_.extract(front);
    released.push_back(std::move(node.mapped()));
    if (front == ctx) break;
  }
  return released;
}

std::string ReadOnly::LastPendingRequestCtx() const {
  return queue_.empty() ? std::string() : queue_.back();
}

}  // namespace raftkv::raft
