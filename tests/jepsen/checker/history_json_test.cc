#include "tests/jepsen/checker/history_json.h"

#include "gtest/gtest.h"
#include "tests/jepsen/checker/test_history.h"

namespace raftkv::jepsen {
namespace {

using testing::Cas;
using testing::Indeterminate;
using testing::Numbered;
using testing::Read;
using testing::Write;

void ExpectSameOperation(const Operation& a, const Operation& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.process, b.process);
  EXPECT_EQ(a.key, b.key);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.input, b.input);
  EXPECT_EQ(a.output, b.output);
  EXPECT_EQ(a.outcome, b.outcome);
  EXPECT_EQ(a.invoke_seq, b.invoke_seq);
  EXPECT_EQ(a.complete_seq, b.complete_seq);
}

TEST(HistoryJsonTest, RoundTripsEveryKindOfOperation) {
  std::vector<Operation> ops = Numbered({
      Write(1, "a\"b\n", 0, 3, "key with space"),
      Read(2, std::nullopt, 1, 4),
      Cas(3, std::nullopt, "", 2, 5),
      Indeterminate(Write(4, "z", 6, 7)),
      testing::Failed(testing::ReadList(5, {"p", "q"}, 8, 9)),
  });
  ops[0].invoke_ns = 123;
  ops[0].complete_ns = 456;
  absl::StatusOr<std::vector<Operation>> parsed = HistoryFromJsonLines(HistoryToJsonLines(ops));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), ops.size());
  for (size_t i = 0; i < ops.size(); ++i) ExpectSameOperation((*parsed)[i], ops[i]);
  EXPECT_EQ((*parsed)[0].invoke_ns, 123);
  EXPECT_EQ((*parsed)[3].complete_seq, kNeverCompleted);
}

TEST(HistoryJsonTest, ReportsTheBadLine) {
  const std::string good = OperationToJsonLine(Numbered({Write(1, "a", 0, 1)})[0]);
  absl::StatusOr<std::vector<Operation>> parsed =
      HistoryFromJsonLines(good + "\n\n{\"id\": 1, \"key\": 5}\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("line 3"), std::string::npos) << parsed.status();
}

TEST(HistoryJsonTest, RejectsMalformedOperations) {
  EXPECT_FALSE(OperationFromJsonLine("not json").ok());
  EXPECT_FALSE(OperationFromJsonLine(R"({"id":1,"key":"x","type":"frobnicate","outcome":"ok",
      "invoke_seq":0,"complete_seq":1})")
                   .ok());
  EXPECT_FALSE(
      OperationFromJsonLine(R"({"id":1,"key":"x","type":"read","outcome":"ok","invoke_seq":0})")
          .ok())
      << "an ok op needs a completion";
  EXPECT_FALSE(OperationFromJsonLine(R"({"id":1,"key":"x","type":"read","outcome":"ok",
      "invoke_seq":5,"complete_seq":1})")
                   .ok());
  EXPECT_FALSE(OperationFromJsonLine(R"({"id":1,"key":"x","type":"write","input":[1],
      "outcome":"ok","invoke_seq":0,"complete_seq":1})")
                   .ok());
}

}  // namespace
}  // namespace raftkv::jepsen
