// Helpers shared by the Raft unit tests: node construction and an in-process network
// that delivers messages synchronously with programmable drops.
#ifndef RAFTKV_RAFT_RAFT_TEST_UTIL_H_
#define RAFTKV_RAFT_RAFT_TEST_UTIL_H_

#include <map>
#include <memory>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "raft/memory_storage.h"
#include "raft/raft.h"

namespace raftkv::raft::testing {

struct TestOptions {
  std::vector<uint64_t> learners;
  bool pre_vote = false;
  bool check_quorum = false;
  int max_inflight = 256;
  uint64_t max_size_per_msg = UINT64_MAX;
  uint64_t seed = 1;
};

// A storage whose (empty) snapshot holds the given membership.
std::unique_ptr<MemoryStorage> NewStorage(const std::vector<uint64_t>& voters,
                                          const std::vector<uint64_t>& learners = {});
std::unique_ptr<Raft> NewTestRaft(uint64_t id, int election, int heartbeat, Storage* storage,
                                  const TestOptions& options = {});

// Flushes deferred appends and takes the node's outgoing messages.
std::vector<Message> ReadMessages(Raft* r);
Message Msg(uint64_t from, uint64_t to, MessageType type, uint64_t term = 0);
// Entries with the given terms at indexes 1, 2, ...
std::vector<Entry> EntriesWithTerms(const std::vector<uint64_t>& terms, uint64_t first_index = 1);
Entry MakeEntry(uint64_t index, uint64_t term, const std::string& data = "");
Message PropMsg(uint64_t id, const std::string& data = "somedata");

class Network {
 public:
  // Nodes 1..n with the given options; ids listed in `holes` are black holes.
  explicit Network(int n, const TestOptions& options = {}, const std::set<uint64_t>& holes = {});

  void Send(std::vector<Message> msgs);
  void Send(const Message& m) { Send(std::vector<Message>{m}); }
  void Drop(uint64_t from, uint64_t to, double probability);
  void Cut(uint64_t a, uint64_t b);
  void Isolate(uint64_t id);
  void Ignore(MessageType type) { ignored_.insert(type); }
  void Recover();

  Raft* node(uint64_t id) { return nodes_.at(id).get(); }
  MemoryStorage* storage(uint64_t id) { return storages_.at(id).get(); }
  std::vector<uint64_t> ids() const;

 private:
  std::vector<Message> Filter(std::vector<Message> msgs);

  std::map<uint64_t, std::unique_ptr<MemoryStorage>> storages_;
  std::map<uint64_t, std::unique_ptr<Raft>> nodes_;  // nullptr: black hole
  std::map<std::pair<uint64_t, uint64_t>, double> drops_;
  std::set<MessageType> ignored_;
  std::mt19937_64 rng_{42};
};

}  // namespace raftkv::raft::testing

#endif  // RAFTKV_RAFT_RAFT_TEST_UTIL_H_
