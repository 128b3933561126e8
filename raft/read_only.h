// Bookkeeping of ReadIndex requests waiting for a heartbeat quorum (thesis §6.4).
#ifndef RAFTKV_RAFT_READ_ONLY_H_
#define RAFTKV_RAFT_READ_ONLY_H_

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "raft/util.h"

namespace raftkv::raft {

struct ReadIndexStatus {
  Message request;  // the original MSG_READ_INDEX (entries[0].data is the request context)
  uint64_t index = 0;
  std::set<uint64_t> acks;
};

class ReadOnly {
 public:
  // Queues a read at commit index `index`; duplicate contexts are ignored.
  void AddRequest(uint64_t index, const Message& request);
  // Records a heartbeat ack for `ctx`; returns the acks so far (nullptr if unknown ctx).
  const std::set<uint64_t>* RecvAck(uint64_t from, const std::string& ctx);
  // Releases every request queued up to and including `ctx` (heartbeats confirm
  // leadership for all earlier requests too), in order.
  std::vector<ReadIndexStatus> Advance(const std::string& ctx);
  // Context of the newest pending request, "" if none.
  std::string LastPendingRequestCtx() const;
  size_t PendingCount() const { return queue_.size(); }

 private:
  std::map<std::string, ReadIndexStatus> pending_;
  std::deque<std::string> queue_;
};

}  // namespace raftkv::raft

#endif  // RAFTKV_RAFT_READ_ONLY_H_
