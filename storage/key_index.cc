#include "storage/key_index.h"

namespace raftkv::storage {

bool KeySpan::Contains(const std::string& candidate) const {
  if (IsSingleKey()) return candidate == key;
  if (candidate < key) return false;
  return IsOpenEnded() || candidate < end;
}

void KeyIndex::Put(Revision revision) {
  if (generations_.empty()) generations_.emplace_back();
  Generation& g = generations_.back();
  if (g.empty()) g.created = revision;
  g.revs.push_back(revision);
  ++g.version;
  modified_ = revision;
}

bool KeyIndex::Tombstone(Revision revision) {
  if (!IsLive()) return false;
  Put(revision);
  generations_.emplace_back();
  return true;
}

void KeyIndex::Restore(Revision created, Revision modified, int64_t version) {
  if (generations_.empty()) generations_.emplace_back();
  Generation& g = generations_.back();
  g.created = created;
  g.version = version;
  g.revs.push_back(modified);
  modified_ = modified;
}

bool KeyIndex::IsLive() const { return !generations_.empty() && !generations_.back().empty(); }

bool KeyIndex::IsEmpty() const {
  return generations_.empty() || (generations_.size() == 1 && generations_[0].empty());
}

const KeyIndex::Generation* KeyIndex::FindGeneration(int64_t at_rev) const {
  for (size_t i = generations_.size(); i-- > 0;) {
    const Generation& g = generations_[i];
    if (g.empty()) continue;
    // A finished generation whose tombstone is at or before at_rev means the
    // key was deleted at at_rev: older generations cannot be live either.
    if (i != generations_.size() - 1 && g.revs.back().main <= at_rev) return nullptr;
    if (g.revs.front().main <= at_rev) return &g;
  }
  return nullptr;
}

std::optional<KeyIndex::Hit> KeyIndex::Get(int64_t at_rev) const {
  const Generation* g = FindGeneration(at_rev);
  if (g == nullptr) return std::nullopt;
  for (size_t i = g->revs.size(); i-- > 0;) {
    if (g->revs[i].main <= at_rev) {
      int64_t newer = static_cast<int64_t>(g->revs.size() - 1 - i);
      return Hit{g->revs[i], g->created, g->version - newer};
    }
  }
  return std::nullopt;
}

std::pair<size_t, int> KeyIndex::LocateCompaction(int64_t at_rev, std::set<Revision>* keep) const {
  size_t gi = 0;
  // First generation that is still live at at_rev or created after it.
  while (gi + 1 < generations_.size() && generations_[gi].revs.back().main <= at_rev) ++gi;
  const Generation& g = generations_[gi];
  for (size_t i = g.revs.size(); i-- > 0;) {
    if (g.revs[i].main <= at_rev) {
      keep->insert(g.revs[i]);
      return {gi, static_cast<int>(i)};
    }
  }
  return {gi, -1};
}

void KeyIndex::Compact(int64_t at_rev, std::set<Revision>* keep) {
  if (IsEmpty()) return;
  auto [gi, ri] = LocateCompaction(at_rev, keep);
  Generation& g = generations_[gi];
  if (!g.empty()) {
    if (ri != -1) g.revs.erase(g.revs.begin(), g.revs.begin() + ri);
    // A finished generation reduced to its tombstone is history nobody can
    // read any more: drop it.
    if (g.revs.size() == 1 && gi != generations_.size() - 1) {
      keep->erase(g.revs[0]);
      ++gi;
    }
  }
  generations_.erase(generations_.begin(), generations_.begin() + gi);
}

void KeyIndex::Keep(int64_t at_rev, std::set<Revision>* keep) const {
  if (IsEmpty()) return;
  auto [gi, ri] = LocateCompaction(at_rev, keep);
  const Generation& g = generations_[gi];
  if (!g.empty() && ri == static_cast<int>(g.revs.size()) - 1 && gi != generations_.size() - 1) {
    keep->erase(g.revs[ri]);
  }
}

}  // namespace raftkv::storage
