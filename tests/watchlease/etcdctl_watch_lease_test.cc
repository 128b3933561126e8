// etcdctl 3.4's watch and lease commands against a single-member raftkv and the
// reference etcd 3.4 side by side: outputs must match once what legitimately differs
// is normalised (cluster/member ids and terms, lease ids, remaining TTL seconds).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/harness/etcdctl.h"
#include "tests/harness/member_process.h"
#include "tests/harness/process.h"
#include "tests/harness/runfiles.h"
#include "tests/harness/temp_dir.h"

namespace raftkv::watchlease_test {
namespace {

using harness::CommandResult;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Same election timing on both, so both derive the same minimum lease TTL (1 s).
const std::vector<std::string> kFastElections = {"--heartbeat-interval=10",
                                                 "--election-timeout=100"};

std::unique_ptr<harness::MemberProcess> StartMember(const std::string& binary,
                                                    const harness::TempDir& dir) {
  harness::MemberOptions options;
  options.binary = binary;
  options.data_dir = dir.path();
  options.extra_flags = kFastElections;
  auto member = harness::MemberProcess::Start(options);
  EXPECT_TRUE(member.ok()) << member.status();
  return member.ok() ? *std::move(member) : nullptr;
}

// One server under comparison, with the lease ids it handed out (in grant order).
struct Server {
  std::string name;
  std::unique_ptr<harness::MemberProcess> member;
  std::vector<int64_t> leases;

  std::string Endpoint() const { return member->endpoint(); }
  // "{lease0}", "{lease1}" ... in an argument become this server's lease ids in hex.
  std::vector<std::string> Expand(const std::vector<std::string>& args) const {
    std::vector<std::string> out;
    for (std::string arg : args) {
      for (size_t i = 0; i < leases.size(); ++i) {
        arg = absl::StrReplaceAll(
            arg, {{absl::StrCat("{lease", i, "}"), absl::StrFormat("%x", leases[i])}});
      }
      out.push_back(arg);
    }
    return out;
  }
};

// Rewrites lease ids, server identity and (optionally) remaining TTLs in a JSON value.
void NormaliseJson(nlohmann::json& value, const Server& server, bool remaining_ttl) {
  if (value.is_object()) {
    for (const char* field : {"cluster_id", "member_id", "raft_term"}) value.erase(field);
    if (remaining_ttl && value.contains("ttl") && value["ttl"].is_number() &&
        value["ttl"].get<int64_t>() > 0) {
      value["ttl"] = "<remaining>";
    }
    // etcd lists a lease's keys in Go map order (random): compare them as a set.
    if (value.contains("keys") && value["keys"].is_array()) {
      std::sort(value["keys"].begin(), value["keys"].end());
    }
    for (auto& [key, child] : value.items()) NormaliseJson(child, server, remaining_ttl);
  } else if (value.is_array()) {
    for (auto& child : value) NormaliseJson(child, server, remaining_ttl);
  } else if (value.is_number_integer()) {
    const int64_t number = value.get<int64_t>();
    for (size_t i = 0; i < server.leases.size(); ++i) {
      if (number == server.leases[i]) value = absl::StrCat("<lease", i, ">");
    }
  }
}

std::string NormaliseText(std::string text, const Server& server, bool remaining_ttl) {
  for (size_t i = 0; i < server.leases.size(); ++i) {
    text = absl::StrReplaceAll(
        text, {{absl::StrFormat("%016x", server.leases[i]), absl::StrCat("<lease", i, ">")}});
  }
  std::smatch keys;
  if (std::regex_search(text, keys, std::regex("attached keys\\(\\[(.*)\\]\\)"))) {
    std::vector<std::string> sorted = absl::StrSplit(keys[1].str(), ' ');
    std::sort(sorted.begin(), sorted.end());  // etcd prints them in Go map order
    text = std::string(keys.prefix()) + "attached keys([" + absl::StrJoin(sorted, " ") + "])" +
           std::string(keys.suffix());
  }
  if (remaining_ttl) {
    text = std::regex_replace(text, std::regex("remaining\\(\\d+s\\)"), "remaining(*)");
  }
  return text;
}

// Each non-empty line that parses as JSON is normalised; other lines as text.
std::string Normalise(const std::string& out, const Server& server, bool remaining_ttl) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    nlohmann::json parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!line.empty() && !parsed.is_discarded() && parsed.is_structured()) {
      NormaliseJson(parsed, server, remaining_ttl);
      lines.push_back(parsed.dump());
    } else {
      lines.push_back(NormaliseText(std::string(line), server, remaining_ttl));
    }
  }
  return absl::StrJoin(lines, "\n");
}

std::string ErrorLine(const std::string& err, const Server& server) {
  for (absl::string_view line : absl::StrSplit(err, '\n')) {
    if (absl::StartsWith(line, "Error:")) return NormaliseText(std::string(line), server, false);
  }
  return "";
}

// `etcdctl watch ...` runs until killed: spawn it, wait until `marker` shows up in its
// output (or the deadline), give it a moment to print the rest, then kill it.
std::string RunWatch(const std::string& endpoint, const std::vector<std::string>& args,
                     const std::string& marker, const std::string& log_path) {
  std::vector<std::string> argv = {harness::kEtcdctlPath, "--endpoints=" + endpoint, "watch"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto process = harness::Process::Spawn(argv, log_path);
  EXPECT_TRUE(process.ok()) << process.status();
  if (!process.ok()) return "";
  const auto deadline = std::chrono::steady_clock::now() + seconds(10);
  while (!absl::StrContains((*process)->Log(), marker) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(absl::StrContains((*process)->Log(), marker))
      << "etcdctl watch " << absl::StrJoin(args, " ") << " never printed " << marker << ":\n"
      << (*process)->Log();
  std::this_thread::sleep_for(milliseconds(200));  // trailing events of the same batch
  (*process)->Kill();
  return (*process)->Log();
}

// The events of every JSON watch response line, flattened: servers may batch events
// into responses differently, which clients must not depend on.
nlohmann::json FlattenWatchEvents(const std::string& out, const Server& server) {
  nlohmann::json events = nlohmann::json::array();
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    nlohmann::json parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.contains("Events")) continue;
    NormaliseJson(parsed, server, false);
    for (const auto& event : parsed["Events"]) events.push_back(event);
  }
  return events;
}

class EtcdctlWatchLeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ours_.name = "raftkv";
    ours_.member = StartMember(harness::RunfilePath("server/raftkv"), ours_dir_);
    reference_.name = "etcd";
    reference_.member = StartMember(harness::kEtcdPath, reference_dir_);
    ASSERT_NE(ours_.member, nullptr);
    ASSERT_NE(reference_.member, nullptr);
  }

  // Runs one etcdctl command against both servers and expects the same result.
  CommandResult ExpectSame(const std::vector<std::string>& args, bool remaining_ttl = false) {
    CommandResult ours = harness::Etcdctl(ours_.Endpoint(), ours_.Expand(args));
    CommandResult reference = harness::Etcdctl(reference_.Endpoint(), reference_.Expand(args));
    const std::string command = absl::StrJoin(args, " ");
    EXPECT_EQ(ours.exit_code, reference.exit_code)
        << command << "\nraftkv: " << ours.out << ours.err << "\netcd: " << reference.out
        << reference.err;
    EXPECT_EQ(Normalise(ours.out, ours_, remaining_ttl),
              Normalise(reference.out, reference_, remaining_ttl))
        << command;
    EXPECT_EQ(ErrorLine(ours.err, ours_), ErrorLine(reference.err, reference_)) << command;
    return ours;
  }

  // `lease grant`, remembering each server's new lease id.
  void Grant(const std::string& ttl) {
    for (Server* server : {&ours_, &reference_}) {
      CommandResult result = harness::Etcdctl(server->Endpoint(), {"lease", "grant", ttl});
      ASSERT_EQ(result.exit_code, 0) << server->name << ": " << result.err;
      std::vector<std::string> words = absl::StrSplit(result.out, ' ');
      ASSERT_GE(words.size(), 2u) << result.out;
      uint64_t id = 0;
      ASSERT_TRUE(absl::SimpleHexAtoi(words[1], &id)) << result.out;
      server->leases.push_back(static_cast<int64_t>(id));
    }
    // Both printed the same line modulo the id.
    EXPECT_EQ(
        absl::StrFormat("lease <lease%d> granted with TTL(%ss)", ours_.leases.size() - 1, ttl),
        absl::StrFormat("lease <lease%d> granted with TTL(%ss)", reference_.leases.size() - 1,
                        ttl));
  }

  void ExpectSameWatch(const std::vector<std::string>& args, const std::string& marker, bool json) {
    const std::string ours =
        RunWatch(ours_.Endpoint(), args, marker, ours_dir_.path() + "/watch.log");
    const std::string reference =
        RunWatch(reference_.Endpoint(), args, marker, reference_dir_.path() + "/watch.log");
    const std::string command = "watch " + absl::StrJoin(args, " ");
    if (json) {
      EXPECT_EQ(FlattenWatchEvents(ours, ours_).dump(1),
                FlattenWatchEvents(reference, reference_).dump(1))
          << command;
      EXPECT_FALSE(FlattenWatchEvents(ours, ours_).empty()) << command << ": " << ours;
    } else {
      EXPECT_EQ(ours, reference) << command;
    }
    std::remove((ours_dir_.path() + "/watch.log").c_str());
    std::remove((reference_dir_.path() + "/watch.log").c_str());
  }

  harness::TempDir ours_dir_;
  harness::TempDir reference_dir_;
  Server ours_;
  Server reference_;
};

TEST_F(EtcdctlWatchLeaseTest, HistoricalWatchOutputMatchesEtcd) {
  ExpectSame({"put", "foo", "1"});   // rev 2
  ExpectSame({"put", "foo1", "a"});  // rev 3
  ExpectSame({"put", "bar", "x"});   // rev 4
  ExpectSame({"put", "foo", "2"});   // rev 5
  ExpectSame({"del", "foo1"});       // rev 6
  ExpectSame({"put", "fop", "q"});   // rev 7
  ExpectSame({"put", "foo_end", "done"});
  const std::string end_b64 = absl::Base64Escape("foo_end");

  ExpectSameWatch({"foo", "--prefix", "--rev=2"}, "foo_end\ndone\n", false);
  ExpectSameWatch({"foo", "--prefix", "--rev=3", "--prev-kv"}, "foo_end\ndone\n", false);
  ExpectSameWatch({"foo", "fop", "--rev=1"}, "foo_end\ndone\n", false);
  ExpectSameWatch({"foo", "--rev=1"}, "foo\n2\n", false);
  ExpectSameWatch({"foo", "--prefix", "--rev=2", "-w", "json"}, end_b64, true);
  ExpectSameWatch({"foo", "--prefix", "--rev=2", "--prev-kv", "-w", "json"}, end_b64, true);
}

TEST_F(EtcdctlWatchLeaseTest, LiveWatchOutputMatchesEtcd) {
  ExpectSame({"put", "live/a", "0"});  // rev 2
  // Start at the next revision so the output does not depend on when the watch is set up.
  std::thread writer([&] {
    std::this_thread::sleep_for(
        milliseconds(300));  // usually live by now; --rev=3 keeps the output the same either way
    ExpectSame({"put", "live/a", "1"});
    ExpectSame({"put", "live/b", "2"});
    ExpectSame({"del", "live/a"});
    ExpectSame({"put", "other", "x"});
    ExpectSame({"put", "live/z", "end"});
  });
  std::string ours, reference;
  std::thread watch_ours([&] {
    ours = RunWatch(ours_.Endpoint(), {"live/", "--prefix", "--prev-kv", "--rev=3"},
                    "live/z\nend\n", ours_dir_.path() + "/live.log");
  });
  reference = RunWatch(reference_.Endpoint(), {"live/", "--prefix", "--prev-kv", "--rev=3"},
                       "live/z\nend\n", reference_dir_.path() + "/live.log");
  watch_ours.join();
  writer.join();
  EXPECT_EQ(ours, reference);
  EXPECT_EQ(
      ours,
      "PUT\nlive/a\n0\nlive/a\n1\nPUT\nlive/b\n2\nDELETE\nlive/a\n1\nlive/a\n\nPUT\nlive/z\nend\n");
}

TEST_F(EtcdctlWatchLeaseTest, LeaseCommandsMatchEtcd) {
  Grant("60");
  Grant("30");
  ExpectSame({"put", "k1", "v1", "--lease={lease0}"});
  ExpectSame({"put", "k2", "v2", "--lease={lease0}"});
  ExpectSame({"put", "k3", "v3", "--lease={lease1}", "-w", "json"});
  ExpectSame({"get", "k", "--prefix", "-w", "json"});
  ExpectSame({"lease", "timetolive", "{lease0}"}, true);
  ExpectSame({"lease", "timetolive", "{lease0}", "--keys"}, true);
  ExpectSame({"lease", "timetolive", "{lease0}", "--keys", "-w", "json"}, true);
  ExpectSame({"lease", "timetolive", "{lease1}", "-w", "json"}, true);
  ExpectSame({"lease", "keep-alive", "--once", "{lease0}"});
  ExpectSame({"lease", "keep-alive", "--once", "{lease1}", "-w", "json"});
  ExpectSame({"lease", "revoke", "{lease1}"});
  ExpectSame({"lease", "list"});
  ExpectSame({"lease", "list", "-w", "json"});
  ExpectSame({"lease", "revoke", "{lease0}", "-w", "json"});
  ExpectSame({"get", "k", "--prefix", "-w", "json"});
  ExpectSame({"lease", "timetolive", "{lease0}"});
  ExpectSame({"lease", "timetolive", "{lease0}", "-w", "json"});
  ExpectSame({"lease", "list"});

  // Errors.
  ExpectSame({"lease", "revoke", "{lease0}"});
  ExpectSame({"lease", "keep-alive", "--once", "4d2"});
  ExpectSame({"lease", "timetolive", "4d2"});
  ExpectSame({"put", "k4", "v", "--lease={lease0}"});
  ExpectSame({"lease", "grant", "9999999999"});
}

TEST_F(EtcdctlWatchLeaseTest, ExpiredLeaseDeletesKeysAndWatchShowsIt) {
  Grant("1");  // the minimum TTL for these election timings
  ExpectSame({"put", "exp/a", "1", "--lease={lease0}"});  // rev 2
  ExpectSame({"put", "exp/b", "2", "--lease={lease0}"});  // rev 3
  // The expiry revoke deletes both keys in revision 4.
  ExpectSameWatch({"exp/", "--prefix", "--rev=2"}, "DELETE\nexp/b\n", false);
  ExpectSameWatch({"exp/", "--prefix", "--rev=2", "-w", "json"}, "\"type\":1", true);
  ExpectSame({"get", "exp/", "--prefix", "-w", "json"});
  ExpectSame({"lease", "timetolive", "{lease0}"});
}

}  // namespace
}  // namespace raftkv::watchlease_test
