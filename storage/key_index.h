// The in-memory index from user key to the revisions of its history, with
// etcd's generation model: a generation is one life of the key from creation
// to deletion; a delete appends the tombstone revision and starts a new, empty
// generation, which resets the version.
#ifndef RAFTKV_STORAGE_KEY_INDEX_H_
#define RAFTKV_STORAGE_KEY_INDEX_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "storage/revision.h"

namespace raftkv::storage {

// A set of keys as etcd requests name them: `end` empty = just `key`;
// `end` == "\0" = every key >= `key`; otherwise [key, end).
struct KeySpan {
  std::string key;
  std::string end;

  bool IsSingleKey() const { return end.empty(); }
  bool IsOpenEnded() const { return end.size() == 1 && end[0] == '\0'; }
  bool Contains(const std::string& candidate) const;
};

class KeyIndex {
 public:
  struct Hit {
    Revision modified;
    Revision created;
    int64_t version = 0;
  };

  // Records a put at `revision` (must be newer than every recorded revision).
  void Put(Revision revision);
  // Records a delete; false when the key is not live (nothing to delete).
  bool Tombstone(Revision revision);
  // Rebuild helper: starts a generation from a persisted KeyValue, whose
  // create revision and version may predate what survived compaction.
  void Restore(Revision created, Revision modified, int64_t version);

  // The live revision of the key as of `at_rev`, or nullopt when the key did
  // not exist then.
  std::optional<Hit> Get(int64_t at_rev) const;
  bool IsLive() const;  // has a non-empty last generation
  bool IsEmpty() const;

  // Drops history older than `at_rev`, keeping for each generation the latest
  // revision <= at_rev (tombstones are dropped entirely); adds the revisions a
  // read at >= at_rev still needs to `keep`.
  void Compact(int64_t at_rev, std::set<Revision>* keep);
  // Like Compact, but only reports what would be kept.
  void Keep(int64_t at_rev, std::set<Revision>* keep) const;

 private:
  struct Generation {
    int64_t version = 0;  // version of the last revision in `revs`
    Revision created;
    std::vector<Revision> revs;
    bool empty() const { return revs.empty(); }
  };

  const Generation* FindGeneration(int64_t at_rev) const;
  // Returns (generation index, index of latest rev <= at_rev or -1).
  std::pair<size_t, int> LocateCompaction(int64_t at_rev, std::set<Revision>* keep) const;

  std::vector<Generation> generations_;
  Revision modified_;
};

// key -> KeyIndex, ordered so that range scans walk keys in byte order.
using KeyIndexTree = std::map<std::string, KeyIndex>;

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_KEY_INDEX_H_
