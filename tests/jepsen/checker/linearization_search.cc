#include "tests/jepsen/checker/linearization_search.h"

#include <algorithm>
#include <functional>
#include <unordered_map>
#include <utility>

#include "absl/strings/str_cat.h"

namespace raftkv::jepsen {

std::string VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kLinearizable:
      return "linearizable";
    case Verdict::kNotLinearizable:
      return "NOT linearizable";
    case Verdict::kUnknown:
      return "unknown";
  }
  return "?";
}

namespace {

// One node of the doubly linked list of call and return events, in time order.
struct Event {
  bool is_call = false;
  size_t op = 0;
  Event* match = nullptr;  // a call's return event; nullptr for info ops (they never return)
  Event* prev = nullptr;
  Event* next = nullptr;
};

class Bitset {
 public:
  explicit Bitset(size_t size) : words_((size + 63) / 64, 0) {}
  void Set(size_t i) { words_[i / 64] |= uint64_t{1} << (i % 64); }
  void Clear(size_t i) { words_[i / 64] &= ~(uint64_t{1} << (i % 64)); }
  bool operator==(const Bitset& other) const { return words_ == other.words_; }
  bool IsSubsetOf(const Bitset& other) const {
    for (size_t i = 0; i < words_.size(); ++i) {
      if ((words_[i] & ~other.words_[i]) != 0) return false;
    }
    return true;
  }
  size_t Hash() const {
    uint64_t h = 1469598103934665603ull;
    for (uint64_t word : words_) h = (h ^ word) * 1099511628211ull + (h >> 29);
    return static_cast<size_t>(h);
  }

 private:
  std::vector<uint64_t> words_;
};

// Lowe's memoization, keyed by the linearized definite (ok) ops and the model state.
struct DefiniteConfiguration {
  Bitset definite;
  ModelState state;
  bool operator==(const DefiniteConfiguration& other) const {
    return state == other.state && definite == other.definite;
  }
};

struct DefiniteConfigurationHash {
  size_t operator()(const DefiniteConfiguration& c) const {
    return c.definite.Hash() ^ (std::hash<std::string>()(c.state) * 31);
  }
};

// Remembers explored configurations. Info ops may always be left out, so a configuration
// is dominated by one with the same definite ops and state whose linearized info ops are
// a subset: everything reachable from the former is reachable from the latter. Without
// this, every subset of lingering info ops would be a new configuration.
class ConfigurationCache {
 public:
  // Returns false if an equal or dominating configuration was explored already.
  bool Insert(const Bitset& definite, const Bitset& info, const ModelState& state) {
    std::vector<Bitset>& info_sets = seen_[DefiniteConfiguration{definite, state}];
    for (const Bitset& explored : info_sets) {
      if (explored.IsSubsetOf(info)) return false;
    }
    info_sets.push_back(info);
    ++size_;
    return true;
  }
  size_t size() const { return size_; }

 private:
  std::unordered_map<DefiniteConfiguration, std::vector<Bitset>, DefiniteConfigurationHash> seen_;
  size_t size_ = 0;
};

// A point of the depth-first search: the model state after the ops linearized so far,
// and the calls that may be linearized next.
struct Node {
  ModelState state;
  std::vector<size_t> candidates;  // definite ops first (see Candidates)
  size_t next = 0;                 // index of the next candidate to try
  size_t blocking = 0;             // the first pending return: it must be linearized by then
};

class Search {
 public:
  Search(const std::vector<Operation>& ops, const Model& model)
      : ops_(ops), model_(model), info_index_(ops.size(), 0) {
    BuildEvents();
    for (size_t i = 0; i < ops_.size(); ++i) {
      if (IsDefinite(i)) {
        ++definite_total_;
      } else {
        info_index_[i] = info_total_++;
      }
    }
  }

  // Runs the search. With `capture_depth` set, stops at the first dead end reached after
  // that many linearized ops and returns it (the search is deterministic, so a second run
  // reproduces the deepest dead end found by the first).
  SearchResult Run(const SearchLimits& limits, std::optional<size_t> capture_depth) {
    SearchResult result;
    Bitset definite(ops_.size());
    Bitset info(info_total_);
    ConfigurationCache cache;
    size_t definite_linearized = 0;
    size_t deepest = 0;
    std::vector<Node> path;
    path.push_back(MakeNode(model_.Initial()));
    for (uint64_t steps = 0;; ++steps) {
      if (definite_linearized == definite_total_) {
        result.verdict = Verdict::kLinearizable;
        break;
      }
      if (OverLimits(limits, steps, cache.size(), &result)) break;
      Node& node = path.back();
      if (node.next == node.candidates.size()) {
        // Dead end: nothing more can be linearized before `node.blocking` returns.
        const size_t depth = path.size() - 1;
        if (capture_depth.has_value() && depth == *capture_depth) {
          result.failure = CaptureFailure(path);
          result.verdict = Verdict::kNotLinearizable;
          break;
        }
        deepest = std::max(deepest, depth);
        path.pop_back();
        if (path.empty()) {
          result.verdict = Verdict::kNotLinearizable;
          break;
        }
        const size_t undone = path.back().candidates[path.back().next - 1];
        Mark(undone, false, &definite, &info, &definite_linearized);
        Unlift(call_of_[undone]);
        continue;
      }
      const size_t op = node.candidates[node.next++];
      std::optional<ModelState> next = model_.Step(node.state, ops_[op]);
      if (!next.has_value()) continue;
      Mark(op, true, &definite, &info, &definite_linearized);
      if (!cache.Insert(definite, info, *next)) {
        Mark(op, false, &definite, &info, &definite_linearized);
        continue;
      }
      Lift(call_of_[op]);
      path.push_back(MakeNode(*std::move(next)));
    }
    result.states_explored = static_cast<int64_t>(cache.size());
    deepest_ = deepest;
    return result;
  }

  size_t deepest() const { return deepest_; }

 private:
  void BuildEvents() {
    struct Timed {
      int64_t time;
      bool is_return;
      size_t op;
    };
    std::vector<Timed> timed;
    for (size_t i = 0; i < ops_.size(); ++i) {
      timed.push_back({ops_[i].invoke_seq, false, i});
      if (IsDefinite(i)) timed.push_back({ops_[i].complete_seq, true, i});
    }
    // At equal times calls go first: treating the ops as overlapping is the permissive reading.
    std::sort(timed.begin(), timed.end(), [](const Timed& a, const Timed& b) {
      if (a.time != b.time) return a.time < b.time;
      if (a.is_return != b.is_return) return !a.is_return;
      return a.op < b.op;
    });
    events_.resize(timed.size());
    call_of_.assign(ops_.size(), nullptr);
    Event* prev = &head_;
    for (size_t i = 0; i < timed.size(); ++i) {
      Event* event = &events_[i];
      event->is_call = !timed[i].is_return;
      event->op = timed[i].op;
      if (event->is_call) {
        call_of_[event->op] = event;
      } else {
        call_of_[event->op]->match = event;
      }
      event->prev = prev;
      prev->next = event;
      prev = event;
    }
  }

  // The calls before the first pending return, i.e. the ops that may take effect next.
  // Definite ops are tried first so that the cache meets configurations with few info ops
  // early and can then prune their supersets.
  Node MakeNode(ModelState state) const {
    Node node;
    node.state = std::move(state);
    std::vector<size_t> info_calls;
    const Event* event = head_.next;
    for (; event != nullptr && event->is_call; event = event->next) {
      (IsDefinite(event->op) ? node.candidates : info_calls).push_back(event->op);
    }
    node.candidates.insert(node.candidates.end(), info_calls.begin(), info_calls.end());
    if (event != nullptr) node.blocking = event->op;
    return node;
  }

  bool IsDefinite(size_t op) const { return ops_[op].outcome != Outcome::kInfo; }

  void Mark(size_t op, bool linearized, Bitset* definite, Bitset* info,
            size_t* definite_linearized) const {
    Bitset* set = IsDefinite(op) ? definite : info;
    const size_t bit = IsDefinite(op) ? op : info_index_[op];
    if (linearized) {
      set->Set(bit);
    } else {
      set->Clear(bit);
    }
    if (!IsDefinite(op)) return;
    if (linearized) {
      ++*definite_linearized;
    } else {
      --*definite_linearized;
    }
  }

  static void Unlink(Event* e) {
    e->prev->next = e->next;
    if (e->next != nullptr) e->next->prev = e->prev;
  }
  static void Relink(Event* e) {
    e->prev->next = e;
    if (e->next != nullptr) e->next->prev = e;
  }
  // Removes a linearized op's events; undone in exact reverse order (dancing links).
  static void Lift(Event* call) {
    Unlink(call);
    if (call->match != nullptr) Unlink(call->match);
  }
  static void Unlift(Event* call) {
    if (call->match != nullptr) Relink(call->match);
    Relink(call);
  }

  bool OverLimits(const SearchLimits& limits, uint64_t steps, size_t states, SearchResult* result) {
    if (static_cast<int64_t>(states) > limits.max_states) {
      result->verdict = Verdict::kUnknown;
      result->unknown_reason = absl::StrCat("search gave up after ", limits.max_states, " states");
      return true;
    }
    // Reading the clock is comparatively slow: look at it every few thousand steps.
    if (steps % 4096 == 0 && std::chrono::steady_clock::now() > limits.deadline) {
      result->verdict = Verdict::kUnknown;
      result->unknown_reason = absl::StrCat("search ran out of time after ", states, " states");
      return true;
    }
    return false;
  }

  static DeepestFailure CaptureFailure(const std::vector<Node>& path) {
    DeepestFailure failure;
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      failure.linearization.push_back(path[i].candidates[path[i].next - 1]);
    }
    failure.blocking = path.back().blocking;
    return failure;
  }

  const std::vector<Operation>& ops_;
  const Model& model_;
  Event head_;
  std::vector<Event> events_;
  std::vector<Event*> call_of_;
  std::vector<size_t> info_index_;  // op index -> bit in the info set (info ops only)
  size_t definite_total_ = 0;
  size_t info_total_ = 0;
  size_t deepest_ = 0;
};

}  // namespace

SearchResult SearchLinearization(const std::vector<Operation>& ops, const Model& model,
                                 const SearchLimits& limits) {
  Search search(ops, model);
  SearchResult result = search.Run(limits, std::nullopt);
  if (result.verdict != Verdict::kNotLinearizable) return result;
  // Replay to the deepest dead end to report it. The replay visits a subset of the first
  // run's states, so it needs no limits of its own.
  Search replay(ops, model);
  SearchResult detailed = replay.Run(SearchLimits{}, search.deepest());
  result.failure = std::move(detailed.failure);
  return result;
}

}  // namespace raftkv::jepsen
