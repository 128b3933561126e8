#include "tests/watchlease/event_history.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/cluster/member_rpc.h"
#include "tests/watchlease/watch_stream.h"

namespace raftkv::watchlease_test {
namespace {

bool SameEvent(const mvccpb::Event& a, const mvccpb::Event& b) {
  return a.type() == b.type() && a.kv().key() == b.kv().key() && a.kv().value() == b.kv().value() &&
         a.kv().mod_revision() == b.kv().mod_revision();
}

std::string Show(const mvccpb::Event& event) {
  return absl::StrCat(event.type() == mvccpb::Event::PUT ? "PUT " : "DELETE ", event.kv().key(),
                      "@", event.kv().mod_revision());
}

}  // namespace

absl::StatusOr<std::vector<mvccpb::Event>> ReadHistory(const std::string& endpoint,
                                                       const std::string& prefix,
                                                       int64_t from_revision, int64_t to_revision,
                                                       std::chrono::milliseconds timeout) {
  WatchStream stream(endpoint);
  WatchSpec spec;
  spec.key = prefix;
  spec.range_end = cluster_test::PrefixEnd(prefix);
  spec.start_revision = from_revision;
  auto id = stream.Watch(spec, timeout);
  if (!id.ok()) return id.status();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    std::vector<mvccpb::Event> events = stream.Events(*id);
    if (!events.empty() && events.back().kv().mod_revision() >= to_revision) {
      std::vector<mvccpb::Event> in_range;
      for (const auto& event : events) {
        if (event.kv().mod_revision() <= to_revision) in_range.push_back(event);
      }
      return in_range;
    }
    if (std::chrono::steady_clock::now() >= deadline || stream.Broken()) {
      return absl::DeadlineExceededError(absl::StrCat(
          "history of ", prefix, " on ", endpoint, " reached only ",
          events.empty() ? 0 : events.back().kv().mod_revision(), " of ", to_revision));
    }
    stream.WaitForEvents(*id, events.size() + 1, std::chrono::milliseconds(100));
  }
}

std::vector<mvccpb::Event> FilterPrefix(const std::vector<mvccpb::Event>& history,
                                        const std::string& prefix) {
  std::vector<mvccpb::Event> out;
  for (const auto& event : history) {
    if (absl::StartsWith(event.kv().key(), prefix)) out.push_back(event);
  }
  return out;
}

std::string DescribeDifference(const std::vector<mvccpb::Event>& seen,
                               const std::vector<mvccpb::Event>& expected) {
  const size_t common = std::min(seen.size(), expected.size());
  for (size_t i = 0; i < common; ++i) {
    if (SameEvent(seen[i], expected[i])) continue;
    const int64_t got = seen[i].kv().mod_revision();
    const int64_t want = expected[i].kv().mod_revision();
    const char* kind = got > want                                          ? "GAP"
                       : (i > 0 && got <= seen[i - 1].kv().mod_revision()) ? "DUPLICATE/REORDER"
                                                                           : "MISMATCH";
    return absl::StrCat(kind, " at event #", i, ": saw ", Show(seen[i]), ", expected ",
                        Show(expected[i]), " (", seen.size(), " seen, ", expected.size(),
                        " expected)");
  }
  if (seen.size() < expected.size()) {
    return absl::StrCat("MISSING TAIL: saw ", seen.size(), " of ", expected.size(),
                        " events; first missing ", Show(expected[seen.size()]));
  }
  if (seen.size() > expected.size()) {
    return absl::StrCat("EXTRA: saw ", seen.size(), " events, expected ", expected.size(),
                        "; first extra ", Show(seen[expected.size()]));
  }
  return "";
}

}  // namespace raftkv::watchlease_test
