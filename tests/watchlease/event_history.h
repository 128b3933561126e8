// The reference history of a prefix (read back with a fresh watch from a past
// revision) and the comparison of what a watcher saw against it.
#ifndef RAFTKV_TESTS_WATCHLEASE_EVENT_HISTORY_H_
#define RAFTKV_TESTS_WATCHLEASE_EVENT_HISTORY_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "proto/kv.pb.h"

namespace raftkv::watchlease_test {

// Every event under `prefix` with from_revision <= mod_revision <= to_revision, as
// `endpoint` replays it to a new watcher.
absl::StatusOr<std::vector<mvccpb::Event>> ReadHistory(const std::string& endpoint,
                                                       const std::string& prefix,
                                                       int64_t from_revision, int64_t to_revision,
                                                       std::chrono::milliseconds timeout);

// Events of `history` whose key starts with `prefix`.
std::vector<mvccpb::Event> FilterPrefix(const std::vector<mvccpb::Event>& history,
                                        const std::string& prefix);

// Empty when `seen` equals `expected` event for event (type, key, value, mod_revision);
// otherwise a description of the first difference, saying whether it is a gap, a
// duplicate or a reordering.
std::string DescribeDifference(const std::vector<mvccpb::Event>& seen,
                               const std::vector<mvccpb::Event>& expected);

}  // namespace raftkv::watchlease_test

#endif  // RAFTKV_TESTS_WATCHLEASE_EVENT_HISTORY_H_
