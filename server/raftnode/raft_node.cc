#include "server/raftnode/raft_node.h"

#include <filesystem>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/etcd_errors.h"
#include "server/http/server_metrics.h"
#include "spdlog/spdlog.h"
#include "storage/snapshot_file.h"

namespace raftkv::server {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr char kProposalDropped[] = "raft proposal dropped";

using etcd_errors::NoLeader;
using etcd_errors::Stopped;
using etcd_errors::Timeout;

absl::Status RemovedError() {
  return absl::FailedPreconditionError("etcdserver: the member has been permanently removed");
}

// Raft reports a dropped proposal with a fixed text; the client sees etcd's errors.
absl::Status TranslateProposeError(const absl::Status& status) {
  if (status.ok()) return status;
  if (status.message() == kProposalDropped) return NoLeader();
  return status;
}

constexpr char kWalMetadataPrefix[] = "member_id=";

std::string WalMetadata(uint64_t member_id) { return absl::StrCat(kWalMetadataPrefix, member_id); }

absl::StatusOr<uint64_t> ParseWalMetadata(const std::string& metadata) {
  uint64_t id = 0;
  if (!absl::StartsWith(metadata, kWalMetadataPrefix) ||
      !absl::SimpleAtoi(metadata.substr(sizeof(kWalMetadataPrefix) - 1), &id) || id == 0) {
    return absl::DataLossError("wal: unreadable metadata \"" + metadata + "\"");
  }
  return id;
}

}  // namespace

RaftNode::RaftNode(Options options, StateMachineHooks hooks)
    : options_(std::move(options)),
      hooks_(std::move(hooks)),
      transport_(std::make_unique<transport::PeerTransport>(options_.member_id, this)),
      snapshot_dir_(options_.member_dir + "/snap") {}

absl::StatusOr<std::unique_ptr<RaftNode>> RaftNode::Open(
    Options options, StateMachineHooks hooks,
    const std::map<uint64_t, std::vector<std::string>>& peers) {
  const std::string wal_dir = options.member_dir + "/wal";
  std::unique_ptr<storage::Wal> wal;
  std::optional<storage::WalContents> contents;
  if (storage::Wal::Exists(wal_dir)) {
    auto opened = storage::Wal::Open(wal_dir);
    if (!opened.ok()) return opened.status();
    wal = std::move(*opened);
    auto read = wal->ReadAll();
    if (!read.ok()) return read.status();
    contents = std::move(*read);
    // A restarted member is whoever its log says it is, whatever the flags say.
    auto id = ParseWalMetadata(contents->metadata);
    if (!id.ok()) return id.status();
    options.member_id = *id;
  }
  std::unique_ptr<RaftNode> node(new RaftNode(std::move(options), std::move(hooks)));
  std::error_code ec;
  std::filesystem::create_directories(node->snapshot_dir_, ec);
  if (ec) return absl::InternalError("cannot create " + node->snapshot_dir_ + ": " + ec.message());
  for (const auto& [id, urls] : peers) {
    if (absl::Status s = node->transport_->AddPeer(id, urls); !s.ok()) return s;
  }
  absl::Status status =
      wal ? node->Recover(std::move(wal), std::move(*contents)) : node->Bootstrap();
  if (!status.ok()) return status;
  return node;
}

// Restart: rebuild the in-memory raft log from the newest snapshot mark and the WAL,
// and bring the state machine up to the snapshot if it is behind it.
absl::Status RaftNode::Recover(std::unique_ptr<storage::Wal> wal, storage::WalContents contents) {
  wal_ = std::move(wal);

  const raftpb::SnapshotMetadata& snap_meta = contents.snapshot;
  if (snap_meta.index() > 0) {
    if (absl::Status s = RecoverSnapshot(snap_meta); !s.ok()) return s;
  }
  raft_storage_.SetHardState(contents.hard_state);
  if (absl::Status s = raft_storage_.Append(contents.entries); !s.ok()) return s;
  applied_ = snap_meta.index();

  raft::Config config = MakeRaftConfig();
  config.applied = snap_meta.index();
  auto raw = raft::RawNode::Create(config, {});
  if (!raw.ok()) return raw.status();
  raw_node_ = std::move(*raw);
  spdlog::info("raft: recovered member {:x} (snapshot index {}, {} log entries, term {})",
               options_.member_id, snap_meta.index(), contents.entries.size(),
               contents.hard_state.term());
  return absl::OkStatus();
}

// The WAL's snapshot mark names the snapshot file the log continues from. Verify it
// (CRC) and restore the state machine from it if the state machine is older.
absl::Status RaftNode::RecoverSnapshot(const raftpb::SnapshotMetadata& metadata) {
  const std::string path =
      storage::SnapshotFilePath(snapshot_dir_, metadata.term(), metadata.index());
  if (absl::Status s = storage::VerifySnapshotFile(path); !s.ok()) return s;
  raftpb::Snapshot snapshot;
  *snapshot.mutable_metadata() = metadata;
  snapshot.set_data(path);
  if (absl::Status s = raft_storage_.ApplySnapshot(snapshot); !s.ok()) return s;
  if (hooks_.applied_index() < metadata.index()) {
    spdlog::info("raft: restoring state machine from snapshot {} (index {})", path,
                 metadata.index());
    if (absl::Status s = hooks_.restore_snapshot(path, metadata.index()); !s.ok()) return s;
  }
  last_snapshot_index_ = metadata.index();
  conf_state_ = metadata.conf_state();
  return absl::OkStatus();
}

absl::Status RaftNode::Bootstrap() {
  auto wal = storage::Wal::Create(options_.member_dir + "/wal", WalMetadata(options_.member_id));
  if (!wal.ok()) return wal.status();
  wal_ = std::move(*wal);
  auto raw = raft::RawNode::Create(MakeRaftConfig(), options_.bootstrap_voters);
  if (!raw.ok()) return raw.status();
  raw_node_ = std::move(*raw);
  return absl::OkStatus();
}

raft::Config RaftNode::MakeRaftConfig() {
  raft::Config config;
  config.id = options_.member_id;
  config.election_tick = options_.election_ticks;
  config.heartbeat_tick = 1;
  config.storage = &raft_storage_;
  config.check_quorum = true;
  config.pre_vote = true;
  config.random_seed = std::random_device{}() ^ options_.member_id;
  return config;
}

RaftNode::~RaftNode() { Stop(); }

absl::Status RaftNode::Start(CommittedEntryHandler handler) {
  handler_ = std::move(handler);
  started_ = true;
  apply_thread_ = std::thread([this] { ApplyLoop(); });
  raft_thread_ = std::thread([this] { RaftLoop(); });
  return absl::OkStatus();
}

void RaftNode::Stop() {
  {
    std::lock_guard<std::mutex> lock(loop_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  loop_cv_.notify_all();
  if (raft_thread_.joinable()) raft_thread_.join();
  transport_->Stop();
  apply_queue_.Close();
  if (apply_thread_.joinable()) apply_thread_.join();
  applied_cv_.notify_all();
  if (wal_) wal_->Close().IgnoreError();
}

void RaftNode::Post(LoopTask task) {
  {
    std::lock_guard<std::mutex> lock(loop_mu_);
    if (stopping_) return;  // the loop is gone: nobody would run it
    loop_tasks_.push_back(std::move(task));
  }
  loop_cv_.notify_one();
}

template <typename T>
T RaftNode::RunOnLoop(std::function<T()> task) {
  auto promise = std::make_shared<std::promise<T>>();
  std::future<T> future = promise->get_future();
  {
    std::lock_guard<std::mutex> lock(loop_mu_);
    if (stopping_) return Stopped();
    loop_tasks_.push_back([promise, task = std::move(task)] { promise->set_value(task()); });
  }
  loop_cv_.notify_one();
  return future.get();
}

absl::Status RaftNode::Append(std::string command) {
  auto verdict = std::make_shared<std::promise<absl::Status>>();
  std::future<absl::Status> future = verdict->get_future();
  AppendAsync(std::move(command),
              [verdict](const absl::Status& status) { verdict->set_value(status); });
  return future.get();
}

void RaftNode::AppendAsync(std::string command, ProposalCallback on_proposed) {
  if (removed_) return on_proposed(RemovedError());
  bool queued = false;
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(loop_mu_);
    if (!stopping_) {
      // The loop only needs a wake-up for the first proposal it has not seen yet.
      wake = pending_proposals_.empty();
      pending_proposals_.push_back({std::move(command), std::move(on_proposed)});
      queued = true;
    }
  }
  if (!queued) return on_proposed(Stopped());
  if (wake) loop_cv_.notify_one();
}

absl::StatusOr<uint64_t> RaftNode::ReadIndex() {
  if (removed_) return RemovedError();
  std::shared_future<ReadResult> future;
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(loop_mu_);
    if (stopping_) return Stopped();
    if (!next_read_) {
      next_read_.emplace();
      next_read_future_ = next_read_->get_future().share();
      wake = true;
    }
    future = next_read_future_;
  }
  if (wake) loop_cv_.notify_one();
  if (future.wait_for(options_.read_index_timeout) != std::future_status::ready) {
    return Timeout();
  }
  return future.get();
}

ReplicationLog::Status RaftNode::GetStatus() const {
  std::lock_guard<std::mutex> lock(status_mu_);
  return status_;
}

ReplicationLog::Status RaftNode::GetStatusLocked() const { return GetStatus(); }

raft::NodeStatus RaftNode::RaftStatus() const {
  std::lock_guard<std::mutex> lock(status_mu_);
  return raft_status_;
}

absl::Status RaftNode::ChangeMembership(const raftpb::ConfChange& change) {
  absl::Status proposed = RunOnLoop<absl::Status>(
      [this, change] { return TranslateProposeError(raw_node_->ProposeConfChange(change)); });
  if (!proposed.ok()) return proposed;
  // Wait until the change is applied here: the membership then reflects it.
  const auto deadline = SteadyClock::now() + options_.conf_change_timeout;
  std::unique_lock<std::mutex> lock(applied_mu_);
  const uint64_t target_node = change.node_id();
  bool done = applied_cv_.wait_until(lock, deadline, [&] {
    if (removed_) return true;
    for (const auto& [index, cc] : applied_conf_changes_) {
      if (cc.node_id() == target_node && cc.type() == change.type()) return true;
    }
    return false;
  });
  if (!done) return Timeout();
  return absl::OkStatus();
}

absl::Status RaftNode::TransferLeadership(uint64_t transferee, std::chrono::milliseconds timeout) {
  absl::Status posted = RunOnLoop<absl::Status>([this, transferee] {
    if (GetStatusLocked().leader_id != options_.member_id) {
      return absl::FailedPreconditionError("etcdserver: not leader");
    }
    raw_node_->TransferLeader(transferee);
    return absl::OkStatus();
  });
  if (!posted.ok()) return posted;
  const auto deadline = SteadyClock::now() + timeout;
  std::unique_lock<std::mutex> lock(status_mu_);
  bool moved =
      status_cv_.wait_until(lock, deadline, [&] { return status_.leader_id == transferee; });
  if (!moved)
    return absl::DeadlineExceededError(
        "etcdserver: request timed out, leader transfer took too long");
  return absl::OkStatus();
}

// ---- transport::MessageHandler (called on transport threads: only enqueue) ----

void RaftNode::OnMessages(std::vector<raftpb::Message> messages) {
  Post([this, messages = std::move(messages)]() mutable {
    // By move: AppendEntries' entries go into the log without a copy.
    for (raftpb::Message& m : messages) raw_node_->Step(std::move(m)).IgnoreError();
  });
}

void RaftNode::OnSnapshot(raftpb::Message message, std::string snapshot_file_path) {
  Post([this, message = std::move(message), path = std::move(snapshot_file_path)]() mutable {
    const auto& meta = message.snapshot().metadata();
    auto adopted = AdoptReceivedSnapshot(path, meta);
    if (!adopted.ok()) {
      spdlog::error("raft: dropping received snapshot: {}", adopted.status().ToString());
      return;
    }
    // Raft carries snapshot data opaquely: locally it is the snapshot file's path.
    message.mutable_snapshot()->set_data(*adopted);
    raw_node_->Step(message).IgnoreError();
  });
}

void RaftNode::OnUnreachable(uint64_t peer) {
  Post([this, peer] { raw_node_->ReportUnreachable(peer); });
}

void RaftNode::OnSnapshotStatus(uint64_t peer, bool ok) {
  Post([this, peer, ok] { raw_node_->ReportSnapshot(peer, ok); });
}

// ---- raft loop ----

void RaftNode::RaftLoop() {
  auto next_tick = SteadyClock::now() + options_.tick;
  LoopWork work;
  while (TakeLoopWork(next_tick, &work)) {
    for (LoopTask& task : work.tasks) task();
    work.tasks.clear();
    ProposePending(std::move(work.proposals));
    work.proposals.clear();
    if (work.read) RequestReadIndex(std::move(*work.read));
    work.read.reset();
    if (SteadyClock::now() >= next_tick) {
      raw_node_->Tick();
      next_tick += options_.tick;
      // After a long stall (e.g. SIGSTOP) do not fire a burst of catch-up ticks.
      if (next_tick < SteadyClock::now()) next_tick = SteadyClock::now() + options_.tick;
    }
    while (raw_node_->HasReady()) ProcessReady();
    PublishStatus();
  }
  // Whoever still waits for a proposal or a read index learns that the server is stopping.
  FailQueuedWork(Stopped());
  for (auto& [ctx, promise] : pending_reads_) promise.set_value(Stopped());
  pending_reads_.clear();
}

bool RaftNode::TakeLoopWork(SteadyTimePoint next_tick, LoopWork* work) {
  std::unique_lock<std::mutex> lock(loop_mu_);
  loop_cv_.wait_until(lock, next_tick, [&] {
    return stopping_ || !loop_tasks_.empty() || !pending_proposals_.empty() || next_read_;
  });
  if (stopping_) return false;
  work->tasks.swap(loop_tasks_);
  work->proposals.swap(pending_proposals_);
  work->read.swap(next_read_);
  return true;
}

// Everything queued since the last iteration becomes one raft proposal: one append
// to the log and one round of AppendEntries for the whole batch.
void RaftNode::ProposePending(std::vector<PendingProposal> proposals) {
  if (proposals.empty()) return;
  std::vector<std::string> commands;
  commands.reserve(proposals.size());
  for (PendingProposal& p : proposals) commands.push_back(std::move(p.command));
  const absl::Status verdict = TranslateProposeError(raw_node_->ProposeBatch(std::move(commands)));
  for (PendingProposal& p : proposals) p.on_proposed(verdict);
}

// One ReadIndex request answers every read that joined `read` (see next_read_).
void RaftNode::RequestReadIndex(std::promise<ReadResult> read) {
  if (GetStatusLocked().leader_id == 0) return read.set_value(NoLeader());
  std::string ctx = absl::StrCat(options_.member_id, "/", next_read_id_++);
  pending_reads_.emplace(ctx, std::move(read));
  raw_node_->ReadIndex(std::move(ctx));
}

void RaftNode::FailQueuedWork(const absl::Status& status) {
  std::vector<PendingProposal> proposals;
  std::optional<std::promise<ReadResult>> read;
  {
    std::lock_guard<std::mutex> lock(loop_mu_);
    proposals.swap(pending_proposals_);
    read.swap(next_read_);
  }
  for (PendingProposal& p : proposals) p.on_proposed(status);
  if (read) read->set_value(status);
}

void RaftNode::ProcessReady() {
  raft::Ready ready = raw_node_->GetReady();
  if (ready.soft_state) {
    const bool was_leader = is_leader_;
    is_leader_ = ready.soft_state->role == raft::StateRole::kLeader;
    {
      std::lock_guard<std::mutex> lock(status_mu_);
      const uint64_t lead = ready.soft_state->lead;
      if (lead != 0 && lead != status_.leader_id) {  // etcd_server_leader_changes_seen_total
        http::ServerMetrics::Get().leader_changes_seen_total->Inc();
      }
      status_.leader_id = lead;
    }
    status_cv_.notify_all();
    if (was_leader != is_leader_ && hooks_.on_leadership_change) {
      hooks_.on_leadership_change(is_leader_);
    }
    if (ready.soft_state->lead == 0) FailPendingReads(NoLeader());
  }
  // A leader may send before its own fsync (thesis §10.2.1). Raft counts the
  // leader's own copy as soon as it appends, which is safe here: this loop
  // persists the Ready before it steps any follower reply that could commit the
  // entries. Followers send (acknowledge) only after persisting.
  if (is_leader_) SendMessages(std::move(ready.messages));
  PersistReady(ready);
  if (!is_leader_) SendMessages(std::move(ready.messages));
  CompleteReadStates(ready.read_states);
  HandOffCommitted(ready);
  raw_node_->Advance(ready);
}

void RaftNode::PersistReady(raft::Ready& ready) {
  const bool has_snapshot = ready.snapshot.metadata().index() > 0;
  if (has_snapshot) {
    CheckFatal(wal_->SaveSnapshotMark(ready.snapshot.metadata()), "wal snapshot mark");
  }
  raftpb::HardState hard_state = ready.hard_state.value_or(raftpb::HardState());
  const auto save_start = SteadyClock::now();
  CheckFatal(wal_->Save(hard_state, ready.entries), "wal save");
  // etcd_disk_wal_fsync_duration_seconds: one fsync per persisted Ready.
  http::ServerMetrics::Get().wal_fsync_duration_seconds->Observe(
      std::chrono::duration<double>(SteadyClock::now() - save_start).count());
  if (has_snapshot) {
    CheckFatal(raft_storage_.ApplySnapshot(ready.snapshot), "apply snapshot to raft log");
  }
  if (ready.hard_state) raft_storage_.SetHardState(*ready.hard_state);
  // The WAL has them; the in-memory log takes the entries themselves (raft handed
  // them over by move and knows them by term only until Advance).
  CheckFatal(raft_storage_.Append(std::move(ready.entries)), "append to raft log");
  ready.entries.clear();
}

// A member that cannot persist must not keep acknowledging: crash loudly instead.
void RaftNode::CheckFatal(const absl::Status& status, const char* what) {
  if (status.ok()) return;
  spdlog::critical("raft: {} failed: {}; stopping the member", what, status.ToString());
  std::abort();
}

void RaftNode::SendMessages(std::vector<raftpb::Message> messages) {
  std::vector<raftpb::Message> batch;
  for (raftpb::Message& m : messages) {
    if (m.type() == raftpb::MSG_SNAP) {
      std::string path = m.snapshot().data();
      m.mutable_snapshot()->clear_data();
      transport_->SendSnapshot(std::move(m), std::move(path));
      continue;
    }
    batch.push_back(std::move(m));
  }
  if (!batch.empty()) transport_->Send(std::move(batch));
}

void RaftNode::CompleteReadStates(const std::vector<raft::ReadState>& read_states) {
  for (const raft::ReadState& rs : read_states) {
    auto it = pending_reads_.find(rs.request_ctx);
    if (it == pending_reads_.end()) continue;  // the reader gave up
    it->second.set_value(rs.index);
    pending_reads_.erase(it);
  }
}

void RaftNode::FailPendingReads(const absl::Status& status) {
  for (auto& [ctx, promise] : pending_reads_) promise.set_value(status);
  pending_reads_.clear();
}

void RaftNode::HandOffCommitted(raft::Ready& ready) {
  ApplyQueue::Batch batch;
  if (ready.snapshot.metadata().index() > 0) {
    batch.snapshot =
        ApplyQueue::SnapshotToRestore{ready.snapshot.data(), ready.snapshot.metadata()};
    conf_state_ = ready.snapshot.metadata().conf_state();
  }
  for (const raftpb::Entry& entry : ready.committed_entries) {
    if (entry.type() == raftpb::ENTRY_CONF_CHANGE) {
      raftpb::ConfChange change;
      if (change.ParseFromString(entry.data())) conf_state_ = raw_node_->ApplyConfChange(change);
    }
  }
  if (!batch.snapshot && ready.committed_entries.empty()) return;
  batch.entries = std::move(ready.committed_entries);
  batch.conf_state = conf_state_;
  apply_queue_.Push(std::move(batch));
}

void RaftNode::PublishStatus() {
  raft::NodeStatus raft_status = raw_node_->Status();
  std::lock_guard<std::mutex> lock(status_mu_);
  status_.term = raft_status.term;
  status_.leader_id = raft_status.lead;
  status_.commit_index = raft_status.commit;
  raft_status_ = std::move(raft_status);
}

// Runs on the raft loop once the apply thread wrote a snapshot file.
void RaftNode::OnSnapshotCreated(const raftpb::SnapshotMetadata& metadata,
                                 const std::string& path) {
  const uint64_t index = metadata.index();
  auto snapshot = raft_storage_.CreateSnapshot(index, &metadata.conf_state(), path);
  if (!snapshot.ok()) {
    spdlog::warn("raft: snapshot at {} not recorded: {}", index, snapshot.status().ToString());
    return;
  }
  CheckFatal(wal_->SaveSnapshotMark(metadata), "wal snapshot mark");
  if (index > options_.snapshot_catchup_entries) {
    const uint64_t compact_to = index - options_.snapshot_catchup_entries;
    if (compact_to > raft_storage_.FirstIndex()) {
      raft_storage_.Compact(compact_to).IgnoreError();
      wal_->ReleaseTo(compact_to).IgnoreError();
    }
  }
  spdlog::info("raft: snapshot at index {} term {} saved to {}", index, metadata.term(), path);
}

// A snapshot received from the leader becomes this member's snapshot file for its
// index, so a restart finds it under the name the WAL's snapshot mark implies.
absl::StatusOr<std::string> RaftNode::AdoptReceivedSnapshot(
    const std::string& path, const raftpb::SnapshotMetadata& metadata) {
  if (absl::Status s = storage::VerifySnapshotFile(path); !s.ok()) return s;
  const std::string target =
      storage::SnapshotFilePath(snapshot_dir_, metadata.term(), metadata.index());
  std::error_code ec;
  std::filesystem::rename(path, target, ec);
  if (ec) return absl::InternalError("cannot move snapshot " + path + ": " + ec.message());
  return target;
}

// ---- apply thread ----

void RaftNode::ApplyLoop() {
  while (std::optional<ApplyQueue::Batch> batch = apply_queue_.Pop()) ApplyBatch(*batch);
}

void RaftNode::ApplyBatch(ApplyQueue::Batch& batch) {
  if (batch.snapshot && batch.snapshot->metadata.index() > applied_) {
    const auto& meta = batch.snapshot->metadata;
    spdlog::info("raft: restoring state machine from received snapshot at index {}", meta.index());
    CheckFatal(hooks_.restore_snapshot(batch.snapshot->path, meta.index()), "restore snapshot");
    last_snapshot_index_ = meta.index();
    // The core learns it is now at the snapshot's index (no command to apply).
    handler_(meta.index(), std::string());
    SetApplied(meta.index());
  }
  uint64_t last_term = 0;
  for (const raftpb::Entry& entry : batch.entries) {
    if (entry.index() <= applied_) continue;  // covered by a restored snapshot
    if (entry.type() == raftpb::ENTRY_CONF_CHANGE) {
      raftpb::ConfChange change;
      if (change.ParseFromString(entry.data())) ApplyConfChange(entry.index(), change);
      handler_(entry.index(), std::string());
    } else {
      // Empty data is the leader's no-op entry; the handler still learns the index.
      handler_(entry.index(), entry.data());
    }
    last_term = entry.term();
    SetApplied(entry.index());
  }
  if (last_term != 0) MaybeCreateSnapshot(applied_, last_term, batch.conf_state);
}

void RaftNode::ApplyConfChange(uint64_t index, const raftpb::ConfChange& change) {
  if (hooks_.apply_conf_change) hooks_.apply_conf_change(index, change);
  if (change.type() == raftpb::CONF_CHANGE_REMOVE_NODE && change.node_id() == options_.member_id) {
    spdlog::warn("raft: this member ({:x}) was removed from the cluster", options_.member_id);
    removed_ = true;
  }
  std::lock_guard<std::mutex> lock(applied_mu_);
  applied_conf_changes_.push_back({index, change});
}

void RaftNode::SetApplied(uint64_t index) {
  {
    std::lock_guard<std::mutex> lock(applied_mu_);
    applied_ = index;
  }
  applied_cv_.notify_all();
}

void RaftNode::MaybeCreateSnapshot(uint64_t index, uint64_t term,
                                   const raftpb::ConfState& conf_state) {
  if (index - last_snapshot_index_ < options_.snapshot_count) return;
  raftpb::SnapshotMetadata metadata;
  metadata.set_index(index);
  metadata.set_term(term);
  *metadata.mutable_conf_state() = conf_state;
  auto path = hooks_.save_snapshot(snapshot_dir_, metadata);
  if (!path.ok()) {
    spdlog::error("raft: creating snapshot at {} failed: {}", index, path.status().ToString());
    return;
  }
  last_snapshot_index_ = index;
  // Keep a few older files: a transfer to a slow follower may still be reading one.
  // Pruning here, on the only thread that writes snapshots, never races a writer.
  storage::PruneSnapshotFiles(snapshot_dir_, 3).IgnoreError();
  Post([this, metadata, path = *path] { OnSnapshotCreated(metadata, path); });
}

}  // namespace raftkv::server
