// The hand-off between the raft loop (producer) and the apply thread (consumer):
// committed entries in log order, with the membership they leave behind and, when
// a follower received a snapshot, the snapshot to restore first.
#ifndef RAFTKV_SERVER_RAFTNODE_APPLY_QUEUE_H_
#define RAFTKV_SERVER_RAFTNODE_APPLY_QUEUE_H_

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "proto/raft.pb.h"

namespace raftkv::server {

class ApplyQueue {
 public:
  struct SnapshotToRestore {
    std::string path;
    raftpb::SnapshotMetadata metadata;
  };
  struct Batch {
    std::optional<SnapshotToRestore> snapshot;
    std::vector<raftpb::Entry> entries;
    raftpb::ConfState conf_state;  // after the last entry of the batch
  };

  void Push(Batch batch) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      batches_.push_back(std::move(batch));
    }
    cv_.notify_one();
  }

  // Blocks until a batch is available or Close() was called and the queue drained.
  std::optional<Batch> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return closed_ || !batches_.empty(); });
    if (batches_.empty()) return std::nullopt;
    Batch batch = std::move(batches_.front());
    batches_.pop_front();
    return batch;
  }

  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> batches_;
  bool closed_ = false;
};

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_RAFTNODE_APPLY_QUEUE_H_
