// End-to-end: the real raftkv binary driven by Debian's etcdctl 3.4. Where practical
// every command runs against raftkv and against the reference etcd 3.4 started side by
// side, and the outputs must match once the fields that identify a particular server
// (cluster_id, member_id, raft_term) are normalised.
#include <sys/wait.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/harness/command.h"
#include "tests/harness/etcdctl.h"
#include "tests/harness/member_process.h"
#include "tests/harness/runfiles.h"
#include "tests/harness/temp_dir.h"

namespace raftkv {
namespace {

using harness::CommandResult;
using harness::Etcdctl;
using harness::MemberOptions;
using harness::MemberProcess;
using harness::TempDir;

std::string RaftkvBinary() { return harness::RunfilePath("server/raftkv"); }

// Removes what legitimately differs between two servers from an etcdctl JSON output.
void NormaliseJson(nlohmann::json& value) {
  if (value.is_object()) {
    for (const char* field : {"cluster_id", "member_id", "raft_term"}) value.erase(field);
    for (auto& [key, child] : value.items()) NormaliseJson(child);
  } else if (value.is_array()) {
    for (auto& child : value) NormaliseJson(child);
  }
}

std::string NormaliseStdout(const std::string& out) {
  nlohmann::json parsed = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return out;
  NormaliseJson(parsed);
  return parsed.dump();
}

// etcdctl prints a JSON log line with a random client id before "Error: ...": keep
// only the error line itself.
std::string ErrorLine(const std::string& err) {
  for (absl::string_view line : absl::StrSplit(err, '\n')) {
    if (absl::StartsWith(line, "Error:")) return std::string(line);
  }
  return "";
}

std::unique_ptr<MemberProcess> StartMember(const std::string& binary, const TempDir& dir,
                                           std::vector<std::string> extra_flags = {}) {
  MemberOptions options;
  options.binary = binary;
  options.data_dir = dir.path();
  options.extra_flags = std::move(extra_flags);
  auto member = MemberProcess::Start(options);
  EXPECT_TRUE(member.ok()) << member.status();
  return member.ok() ? *std::move(member) : nullptr;
}

class EtcdctlE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    raftkv_ = StartMember(RaftkvBinary(), raftkv_dir_);
    // Fast elections keep the reference etcd's start-up short.
    etcd_ = StartMember(harness::kEtcdPath, etcd_dir_,
                        {"--heartbeat-interval=10", "--election-timeout=100"});
    ASSERT_NE(raftkv_, nullptr);
    ASSERT_NE(etcd_, nullptr);
  }

  // Runs one etcdctl command against both servers and expects the same result.
  // Returns raftkv's result for further checks.
  CommandResult ExpectSameAsEtcd(const std::vector<std::string>& args,
                                 const std::string& stdin_data = "") {
    CommandResult ours = Etcdctl(raftkv_->endpoint(), args, stdin_data);
    CommandResult reference = Etcdctl(etcd_->endpoint(), args, stdin_data);
    const std::string command = absl::StrJoin(args, " ");
    EXPECT_EQ(ours.exit_code, reference.exit_code)
        << command << "\nraftkv: " << ours.out << ours.err << "\netcd: " << reference.out
        << reference.err;
    EXPECT_EQ(NormaliseStdout(ours.out), NormaliseStdout(reference.out)) << command;
    EXPECT_EQ(ErrorLine(ours.err), ErrorLine(reference.err)) << command;
    return ours;
  }

  TempDir raftkv_dir_;
  TempDir etcd_dir_;
  std::unique_ptr<MemberProcess> raftkv_;
  std::unique_ptr<MemberProcess> etcd_;
};

TEST_F(EtcdctlE2eTest, PutAndGetMatchEtcd) {
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{{"foo", "bar"},
                                                                                   {"foo", "baz"},
                                                                                   {"foo1", "a"},
                                                                                   {"foo2", "c"},
                                                                                   {"fop", "z"},
                                                                                   {"a", "1"}}) {
    EXPECT_EQ(ExpectSameAsEtcd({"put", key, value}).out, "OK\n");
  }
  EXPECT_EQ(ExpectSameAsEtcd({"get", "foo"}).out, "foo\nbaz\n");
  ExpectSameAsEtcd({"get", "foo", "-w", "json"});
  ExpectSameAsEtcd({"get", "missing", "-w", "json"});
  ExpectSameAsEtcd({"get", "foo", "--prefix"});
  ExpectSameAsEtcd({"get", "foo", "--prefix", "-w", "json"});
  ExpectSameAsEtcd({"get", "foo", "--prefix", "--limit=2", "-w", "json"});
  ExpectSameAsEtcd({"get", "foo", "--prefix", "--sort-by=VALUE", "--order=DESCEND"});
  ExpectSameAsEtcd({"get", "foo", "--prefix", "--sort-by=MODIFY", "--order=ASCEND", "-w", "json"});
  ExpectSameAsEtcd({"get", "f", "--prefix", "--sort-by=CREATE", "--order=DESCEND", "--limit=2"});
  ExpectSameAsEtcd({"get", "foo", "--rev=2", "-w", "json"});
  ExpectSameAsEtcd({"get", "foo", "--rev=3"});
  ExpectSameAsEtcd({"get", "foo", "fop"});
  ExpectSameAsEtcd({"get", "", "--from-key", "--keys-only"});
  ExpectSameAsEtcd({"get", "f", "--prefix", "--count-only", "-w", "json"});
  ExpectSameAsEtcd({"get", "foo", "--print-value-only"});
  ExpectSameAsEtcd({"get", "foo", "--consistency=s", "-w", "json"});
  ExpectSameAsEtcd({"put", "foo", "new", "--prev-kv", "-w", "json"});
  ExpectSameAsEtcd({"put", "foo", "newer", "--prev-kv"});
}

TEST_F(EtcdctlE2eTest, DeleteMatchesEtcd) {
  for (const char* key : {"a", "b1", "b2", "b3", "c", "d"}) ExpectSameAsEtcd({"put", key, "v"});
  EXPECT_EQ(ExpectSameAsEtcd({"del", "a", "--prev-kv"}).out, "1\na\nv\n");
  ExpectSameAsEtcd({"del", "a"});
  ExpectSameAsEtcd({"del", "b", "--prefix", "--prev-kv", "-w", "json"});
  ExpectSameAsEtcd({"del", "c", "e"});
  ExpectSameAsEtcd({"get", "", "--from-key", "-w", "json"});
}

TEST_F(EtcdctlE2eTest, TxnFromStdinMatchesEtcd) {
  ExpectSameAsEtcd({"put", "user1", "bad"});
  const std::string txn =
      "value(\"user1\") = \"bad\"\n"
      "\n"
      "del user1\n"
      "put result deleted\n"
      "\n"
      "put result kept\n"
      "\n";
  EXPECT_EQ(ExpectSameAsEtcd({"txn"}, txn).out, "SUCCESS\n\n1\n\nOK\n");
  ExpectSameAsEtcd({"txn", "-w", "json"}, txn);  // now the failure branch
  ExpectSameAsEtcd({"get", "result", "-w", "json"});
  ExpectSameAsEtcd({"txn", "-i"},
                   "mod(\"result\") > \"0\"\nversion(\"user1\") = \"0\"\n\nget result\n"
                   "get user1 --prefix\n\n\n");
  ExpectSameAsEtcd({"txn", "-w", "json"}, "create(\"k\") = \"0\"\n\nput k v\nget k\n\n\n");
  ExpectSameAsEtcd({"txn"}, "\n\n\n");
}

TEST_F(EtcdctlE2eTest, CompactionMatchesEtcd) {
  for (int i = 0; i < 5; ++i) ExpectSameAsEtcd({"put", "k", absl::StrCat("v", i)});
  ExpectSameAsEtcd({"get", "k", "--rev=2"});
  EXPECT_EQ(ExpectSameAsEtcd({"compaction", "4"}).out, "compacted revision 4\n");
  ExpectSameAsEtcd({"get", "k", "--rev=3"});
  ExpectSameAsEtcd({"get", "k", "--rev=4", "-w", "json"});
  ExpectSameAsEtcd({"compaction", "4"});
  ExpectSameAsEtcd({"compaction", "2"});
  ExpectSameAsEtcd({"compaction", "100"});
  ExpectSameAsEtcd({"compaction", "--physical", "5"});
  ExpectSameAsEtcd({"get", "k", "-w", "json"});
}

TEST_F(EtcdctlE2eTest, ErrorsMatchEtcd) {
  ExpectSameAsEtcd({"put", "k", "v"});
  CommandResult empty = ExpectSameAsEtcd({"put", "", "v"});
  EXPECT_EQ(ErrorLine(empty.err), "Error: etcdserver: key is not provided");
  ExpectSameAsEtcd({"get", "k", "--rev=100"});
  ExpectSameAsEtcd({"put", "k", "v", "--lease=1234"});
  ExpectSameAsEtcd({"put", "k", "--ignore-value", "--lease=0"});

  // The value comes from stdin: a 1.6 MB argument would exceed the kernel's limit.
  CommandResult too_large = ExpectSameAsEtcd({"put", "big"}, std::string(1600 * 1024, 'x'));
  EXPECT_EQ(ErrorLine(too_large.err), "Error: etcdserver: request is too large");

  std::string many_ops = "\n";
  for (int i = 0; i < 129; ++i) absl::StrAppend(&many_ops, "put k", i, " v\n");
  many_ops += "\n\n";
  CommandResult too_many = ExpectSameAsEtcd({"txn"}, many_ops);
  EXPECT_EQ(ErrorLine(too_many.err), "Error: etcdserver: too many operations in txn request");

  CommandResult duplicate = ExpectSameAsEtcd({"txn"}, "\nput a 1\nput a 2\n\n\n");
  EXPECT_EQ(ErrorLine(duplicate.err), "Error: etcdserver: duplicate key given in txn request");
  ExpectSameAsEtcd({"txn"}, "\ndel a z\nput b 1\n\n\n");
  ExpectSameAsEtcd({"get", "", "--from-key", "-w", "json"});
}

TEST_F(EtcdctlE2eTest, CompactedAndFutureRevisionErrorsMatchEtcd) {
  for (int i = 0; i < 3; ++i) ExpectSameAsEtcd({"put", "k", "v"});
  ExpectSameAsEtcd({"compaction", "3"});
  CommandResult compacted = ExpectSameAsEtcd({"get", "k", "--rev=2"});
  EXPECT_EQ(ErrorLine(compacted.err),
            "Error: etcdserver: mvcc: required revision has been compacted");
  CommandResult future = ExpectSameAsEtcd({"get", "k", "--rev=50"});
  EXPECT_EQ(ErrorLine(future.err),
            "Error: etcdserver: mvcc: required revision is a future revision");
}

TEST_F(EtcdctlE2eTest, EndpointAndMemberCommandsWork) {
  CommandResult health = Etcdctl(raftkv_->endpoint(), {"endpoint", "health"});
  EXPECT_EQ(health.exit_code, 0) << health.err;
  EXPECT_NE(health.err.find("is healthy"), std::string::npos) << health.err;

  CommandResult status = Etcdctl(raftkv_->endpoint(), {"endpoint", "status", "-w", "json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  nlohmann::json parsed = nlohmann::json::parse(status.out);
  ASSERT_TRUE(parsed.is_array());
  const auto& s = parsed[0]["Status"];
  EXPECT_EQ(s["leader"], s["header"]["member_id"]);
  EXPECT_EQ(s["version"].get<std::string>().substr(0, 4), "3.4.");

  CommandResult members = Etcdctl(raftkv_->endpoint(), {"member", "list"});
  ASSERT_EQ(members.exit_code, 0) << members.err;
  EXPECT_NE(members.out.find(", started, default, "), std::string::npos) << members.out;
}

// raftkv alone: restart behaviour and flag handling.
TEST(RaftkvProcessTest, GracefulStopKeepsDataAcrossRestart) {
  TempDir dir;
  auto first = StartMember(RaftkvBinary(), dir);
  ASSERT_NE(first, nullptr);
  ASSERT_EQ(Etcdctl(first->endpoint(), {"put", "k", "v1"}).exit_code, 0);
  ASSERT_EQ(Etcdctl(first->endpoint(), {"put", "k", "v2"}).exit_code, 0);
  const std::string before = Etcdctl(first->endpoint(), {"get", "k", "-w", "json"}).out;
  int status = first->Stop();
  ASSERT_TRUE(WIFEXITED(status)) << first->process().Log();
  EXPECT_EQ(WEXITSTATUS(status), 0);

  MemberOptions options = first->options();  // same ports and data dir
  auto second = MemberProcess::Start(options);
  ASSERT_TRUE(second.ok()) << second.status();
  // Same data and revision; the Raft term moves on with the new election.
  nlohmann::json after =
      nlohmann::json::parse(Etcdctl((*second)->endpoint(), {"get", "k", "-w", "json"}).out);
  nlohmann::json expected = nlohmann::json::parse(before);
  EXPECT_EQ(after["kvs"], expected["kvs"]);
  EXPECT_EQ(after["header"]["revision"], expected["header"]["revision"]);
  EXPECT_GE(after["header"]["raft_term"], expected["header"]["raft_term"]);
  CommandResult put = Etcdctl((*second)->endpoint(), {"put", "k", "v3", "-w", "json"});
  ASSERT_EQ(put.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(put.out)["header"]["revision"], 4);
}

TEST(RaftkvProcessTest, UnknownFlagExitsWithUsageError) {
  CommandResult r = harness::RunCommand({RaftkvBinary(), "--no-such-flag=1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no-such-flag"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace raftkv
