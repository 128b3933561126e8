#include "tests/jepsen/runner/nemesis_partitions.h"

#include <algorithm>
#include <numeric>

namespace raftkv::jepsen {
namespace {

std::vector<int> ShuffledOthers(int excluded, int size, std::mt19937& rng) {
  std::vector<int> others;
  for (int i = 0; i < size; ++i) {
    if (i != excluded) others.push_back(i);
  }
  std::shuffle(others.begin(), others.end(), rng);
  return others;
}

}  // namespace

std::vector<Link> LinksAcross(const std::set<int>& side, int size) {
  std::vector<Link> links;
  for (int inside : side) {
    for (int outside = 0; outside < size; ++outside) {
      if (side.count(outside) == 0) links.push_back({inside, outside});
    }
  }
  return links;
}

std::vector<Link> IsolateLinks(int member, int size) { return LinksAcross({member}, size); }

std::vector<Link> RandomHalvesLinks(int target, int size, std::mt19937& rng) {
  std::vector<int> others = ShuffledOthers(target, size, rng);
  std::set<int> minority = {target};
  for (int i = 0; static_cast<int>(minority.size()) < size / 2; ++i) minority.insert(others[i]);
  return LinksAcross(minority, size);
}

std::vector<Link> BridgeLinks(int bridge, int size, std::mt19937& rng) {
  std::vector<int> others = ShuffledOthers(bridge, size, rng);
  const size_t half = others.size() / 2;
  std::vector<Link> links;
  for (size_t i = 0; i < half; ++i) {
    for (size_t j = half; j < others.size(); ++j) links.push_back({others[i], others[j]});
  }
  return links;
}

std::vector<Link> MajoritiesRingLinks(int size, std::mt19937& rng) {
  if (size < 2) return {};
  std::vector<int> ring(size);
  std::iota(ring.begin(), ring.end(), 0);
  std::shuffle(ring.begin(), ring.end(), rng);
  if (size < 5) return {{ring[0], ring[1]}};
  // Each member keeps its `reach` nearest neighbours on either side: 2*reach+1 members, at
  // least a majority (size/2+1), and every member's window is centred elsewhere.
  const int reach = (size / 2 + 1) / 2;
  std::vector<Link> links;
  for (int i = 0; i < size; ++i) {
    for (int j = i + 1; j < size; ++j) {
      const int distance = std::min(j - i, size - (j - i));
      if (distance > reach) links.push_back({ring[i], ring[j]});
    }
  }
  return links;
}

std::set<int> VisibleFrom(int member, const std::vector<Link>& links, int size) {
  std::set<int> visible;
  for (int other = 0; other < size; ++other) {
    const Link link{member, other};
    if (std::find(links.begin(), links.end(), link) == links.end()) visible.insert(other);
  }
  return visible;
}

}  // namespace raftkv::jepsen
