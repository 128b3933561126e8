// The Raft-backed ReplicationLog: drives the pure raft::RawNode with a clock, a
// durable WAL, the peer transport and an apply thread.
//
// Threads:
//  - the raft loop owns the RawNode: ticks, steps incoming messages, turns proposals
//    into log entries, persists each Ready (one fsync), sends messages and hands
//    committed entries to the apply queue;
//  - the apply thread delivers committed commands in order to the server core,
//    restores received snapshots and creates local snapshots every
//    `snapshot_count` entries (the raft loop then compacts the log).
// gRPC threads only enqueue work for the raft loop and wait on futures.
#ifndef RAFTKV_SERVER_RAFTNODE_RAFT_NODE_H_
#define RAFTKV_SERVER_RAFTNODE_RAFT_NODE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "proto/raft.pb.h"
#include "raft/memory_storage.h"
#include "raft/raw_node.h"
#include "server/raftnode/apply_queue.h"
#include "server/replication_log.h"
#include "server/transport/message_handler.h"
#include "server/transport/peer_transport.h"
#include "storage/wal.h"

namespace raftkv::server {

class RaftNode : public ReplicationLog, public transport::MessageHandler {
 public:
  struct Options {
    uint64_t member_id = 0;  // ignored on restart: the WAL records it
    std::string member_dir;  // holds wal/ and snap/
    // New cluster: the voters to bootstrap with. Empty when joining an existing
    // cluster (the leader sends the log or a snapshot). Ignored on restart.
    std::vector<uint64_t> bootstrap_voters;
    std::chrono::milliseconds tick{100};
    int election_ticks = 10;
    uint64_t snapshot_count = 100000;
    // Entries kept in the log behind a snapshot so slightly slow followers catch up
    // from the log instead of needing the whole snapshot.
    uint64_t snapshot_catchup_entries = 5000;
    std::chrono::milliseconds read_index_timeout{5000};
    std::chrono::milliseconds conf_change_timeout{10000};
  };

  // What the node needs from the state machine beyond the committed-entry handler.
  struct StateMachineHooks {
    // Writes everything applied so far (covering `metadata.index()`) into a new
    // snapshot file in `dir` (storage/snapshot_file format); returns its path.
    std::function<absl::StatusOr<std::string>(const std::string& dir,
                                              const raftpb::SnapshotMetadata& metadata)>
        save_snapshot;
    // Replaces the state machine by the snapshot at `path` (covering `index`).
    std::function<absl::Status(const std::string& path, uint64_t index)> restore_snapshot;
    // Index of the last command applied to the durable state machine.
    std::function<uint64_t()> applied_index;
    // A committed membership change, in log order on the apply thread.
    std::function<void(uint64_t index, const raftpb::ConfChange& change)> apply_conf_change;
    // Called on the raft loop when this member gains or loses leadership.
    std::function<void(bool is_leader)> on_leadership_change;
  };

  // Opens (or bootstraps) the member's raft state; `peers` are the other members'
  // peer URLs known at start (more are added as membership changes commit).
  static absl::StatusOr<std::unique_ptr<RaftNode>> Open(
      Options options, StateMachineHooks hooks,
      const std::map<uint64_t, std::vector<std::string>>& peers);
  ~RaftNode() override;

  // Called once raft accepted (OK) or refused (etcd's error) a proposal.
  using ProposalCallback = std::function<void(const absl::Status& verdict)>;

  // ReplicationLog.
  absl::Status Start(CommittedEntryHandler handler) override;
  absl::Status Append(std::string command) override;
  // Append without waiting for the raft loop: proposals queued while the loop is
  // busy (e.g. in an fsync) are proposed together as one batch. `on_proposed` runs
  // on the raft loop (or at once when the node is stopped or removed); it must
  // not block.
  void AppendAsync(std::string command, ProposalCallback on_proposed);
  absl::StatusOr<uint64_t> ReadIndex() override;
  Status GetStatus() const override;
  void Stop() override;

  // Proposes a membership change and waits until it is applied on this member.
  absl::Status ChangeMembership(const raftpb::ConfChange& change);
  // Asks the leader (this member) to hand leadership to `transferee`; waits until
  // the transferee leads or the deadline passes.
  absl::Status TransferLeadership(uint64_t transferee, std::chrono::milliseconds timeout);
  bool IsLeader() const { return GetStatus().leader_id == options_.member_id; }
  // Raft progress of a peer as the leader sees it (match index), for learner promotion.
  raft::NodeStatus RaftStatus() const;
  uint64_t applied_index() const { return applied_.load(); }
  bool removed() const { return removed_.load(); }
  // This member's id: from the WAL when restarting, else from Options.
  uint64_t member_id() const { return options_.member_id; }
  // The member's outgoing transport (add/remove peers as membership changes).
  transport::PeerTransport& transport() { return *transport_; }

  // transport::MessageHandler.
  void OnMessages(std::vector<raftpb::Message> messages) override;
  void OnSnapshot(raftpb::Message message, std::string snapshot_file_path) override;
  void OnUnreachable(uint64_t peer) override;
  void OnSnapshotStatus(uint64_t peer, bool ok) override;

 private:
  // Work the raft loop executes with exclusive access to the RawNode.
  using LoopTask = std::function<void()>;
  using ReadResult = absl::StatusOr<uint64_t>;
  struct PendingProposal {
    std::string command;
    ProposalCallback on_proposed;
  };
  // What the raft loop picks up in one iteration.
  struct LoopWork {
    std::deque<LoopTask> tasks;
    std::vector<PendingProposal> proposals;
    std::optional<std::promise<ReadResult>> read;
  };

  using SteadyTimePoint = std::chrono::steady_clock::time_point;

  RaftNode(Options options, StateMachineHooks hooks);
  absl::Status Recover(std::unique_ptr<storage::Wal> wal, storage::WalContents contents);
  absl::Status RecoverSnapshot(const raftpb::SnapshotMetadata& metadata);
  absl::Status Bootstrap();
  raft::Config MakeRaftConfig();
  Status GetStatusLocked() const;
  static void CheckFatal(const absl::Status& status, const char* what);

  // Runs `task` on the raft loop and waits for its result.
  template <typename T>
  T RunOnLoop(std::function<T()> task);
  void Post(LoopTask task);

  void RaftLoop();
  // Waits for work or the next tick; false once stopping.
  bool TakeLoopWork(SteadyTimePoint next_tick, LoopWork* work);
  void ProposePending(std::vector<PendingProposal> proposals);
  void RequestReadIndex(std::promise<ReadResult> read);
  void FailQueuedWork(const absl::Status& status);
  void ProcessReady();
  void PersistReady(raft::Ready& ready);
  void SendMessages(std::vector<raftpb::Message> messages);
  void HandOffCommitted(raft::Ready& ready);
  void CompleteReadStates(const std::vector<raft::ReadState>& read_states);
  void FailPendingReads(const absl::Status& status);
  void PublishStatus();
  void OnSnapshotCreated(const raftpb::SnapshotMetadata& metadata, const std::string& path);
  absl::StatusOr<std::string> AdoptReceivedSnapshot(const std::string& path,
                                                    const raftpb::SnapshotMetadata& metadata);

  void ApplyLoop();
  void ApplyBatch(ApplyQueue::Batch& batch);
  void ApplyConfChange(uint64_t index, const raftpb::ConfChange& change);
  void SetApplied(uint64_t index);
  void MaybeCreateSnapshot(uint64_t index, uint64_t term, const raftpb::ConfState& conf_state);

  const Options options_;
  const StateMachineHooks hooks_;
  std::unique_ptr<transport::PeerTransport> transport_;

  raft::MemoryStorage raft_storage_;
  std::unique_ptr<storage::Wal> wal_;
  const std::string snapshot_dir_;
  std::unique_ptr<raft::RawNode> raw_node_;  // raft loop only (after Start)

  CommittedEntryHandler handler_;
  ApplyQueue apply_queue_;
  std::thread raft_thread_;
  std::thread apply_thread_;

  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  std::deque<LoopTask> loop_tasks_;
  std::vector<PendingProposal> pending_proposals_;  // guarded by loop_mu_
  // Linearizable reads arriving before the loop picks them up share one ReadIndex:
  // its read point is taken after each of them started, which is all they need.
  std::optional<std::promise<ReadResult>> next_read_;  // guarded by loop_mu_
  std::shared_future<ReadResult> next_read_future_;    // guarded by loop_mu_
  bool stopping_ = false;

  // Linearizable reads waiting for their ReadIndex, keyed by request context.
  std::map<std::string, std::promise<ReadResult>> pending_reads_;  // raft loop
  uint64_t next_read_id_ = 1;                                      // raft loop

  // The membership (voters/learners) after the last entry handed to the apply queue.
  raftpb::ConfState conf_state_;  // raft loop
  bool is_leader_ = false;        // raft loop

  mutable std::mutex status_mu_;
  std::condition_variable status_cv_;
  Status status_;
  raft::NodeStatus raft_status_;

  std::mutex applied_mu_;
  std::condition_variable applied_cv_;
  std::atomic<uint64_t> applied_{0};
  std::vector<std::pair<uint64_t, raftpb::ConfChange>> applied_conf_changes_;
  uint64_t last_snapshot_index_ = 0;  // apply thread
  std::atomic<bool> removed_{false};
  std::atomic<bool> started_{false};
};

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_RAFTNODE_RAFT_NODE_H_
