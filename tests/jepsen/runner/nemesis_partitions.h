// The shapes of network partitions, as the links to cut (pure functions, so they can be
// tested without a cluster). Members are 0..size-1.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_NEMESIS_PARTITIONS_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_NEMESIS_PARTITIONS_H_

#include <random>
#include <set>
#include <vector>

#include "tests/jepsen/runner/host_network.h"

namespace raftkv::jepsen {

// Every link between a member of `side` and a member outside it.
std::vector<Link> LinksAcross(const std::set<int>& side, int size);

// `member` alone on one side.
std::vector<Link> IsolateLinks(int member, int size);

// Two halves at random, `target` on the smaller one (size/2 members; with 3: target alone).
std::vector<Link> RandomHalvesLinks(int target, int size, std::mt19937& rng);

// The others split at random into two halves that cannot talk to each other; `bridge`
// talks to both. With 5: {a,b} – bridge – {c,d}, each side plus the bridge is a majority.
// With 3: one link cut, the third member relays.
std::vector<Link> BridgeLinks(int bridge, int size, std::mt19937& rng);

// Majorities ring: members on a random ring each see their nearest neighbours, enough for
// a majority, and no two members see the same majority. Needs 5 or more members to be a
// true ring; with 3 or 4 one random link is cut (two members see different majorities,
// the others see everyone).
std::vector<Link> MajoritiesRingLinks(int size, std::mt19937& rng);

// The members `member` can still reach (itself included) once `links` are cut.
std::set<int> VisibleFrom(int member, const std::vector<Link>& links, int size);

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_NEMESIS_PARTITIONS_H_
