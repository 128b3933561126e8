#include "tools/raftkvctl/txn_parser.h"

#include <regex>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace raftkv::ctl {
namespace {

using client::Cmp;
using client::Op;

absl::StatusOr<Cmp::Result> ParseResult(const std::string& op) {
  if (op == "=" || op == "==") return Cmp::EQUAL;
  if (op == "!=") return Cmp::NOT_EQUAL;
  if (op == ">") return Cmp::GREATER;
  if (op == "<") return Cmp::LESS;
  return absl::InvalidArgumentError("unknown comparison " + op);
}

absl::StatusOr<etcdserverpb::Compare> ParseCompare(const std::string& line) {
  static const std::regex pattern(R"re(^\s*(\w+)\("([^"]*)"\)\s*(=|==|!=|>|<)\s*"([^"]*)"\s*$)re");
  std::smatch match;
  if (!std::regex_match(line, match, pattern)) {
    return absl::InvalidArgumentError("malformed comparison: " + line);
  }
  const std::string target = match[1], key = match[2], value = match[4];
  auto result = ParseResult(match[3]);
  if (!result.ok()) return result.status();
  if (target == "value" || target == "val" || target == "v") return Cmp::Value(key, *result, value);
  int64_t number;
  uint64_t hex;
  if (target == "lease" && absl::SimpleHexAtoi(value, &hex)) {
    return Cmp::LeaseId(key, *result, static_cast<int64_t>(hex));
  }
  if (!absl::SimpleAtoi(value, &number)) {
    return absl::InvalidArgumentError("not a number in comparison: " + line);
  }
  if (target == "mod" || target == "m") return Cmp::ModRevision(key, *result, number);
  if (target == "create" || target == "c") return Cmp::CreateRevision(key, *result, number);
  if (target == "version" || target == "ver") return Cmp::Version(key, *result, number);
  return absl::InvalidArgumentError("unknown comparison target " + target);
}

absl::StatusOr<etcdserverpb::RequestOp> ParseOp(const std::string& line) {
  std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipWhitespace());
  bool prefix = false;
  std::vector<std::string> plain;
  for (const auto& word : words) {
    if (word == "--prefix") {
      prefix = true;
    } else {
      plain.push_back(word);
    }
  }
  if (plain.size() >= 3 && plain[0] == "put") {
    // The value is the rest of the line, spaces included.
    const size_t at = line.find(plain[1], line.find("put") + 3) + plain[1].size();
    return Op::Put(plain[1], std::string(absl::StripAsciiWhitespace(line.substr(at))));
  }
  if (plain.size() == 2 && plain[0] == "get") {
    client::GetOptions options;
    options.range.prefix = prefix;
    return Op::Get(plain[1], options);
  }
  if (plain.size() == 2 && (plain[0] == "del" || plain[0] == "delete")) {
    client::DeleteOptions options;
    options.range.prefix = prefix;
    return Op::Delete(plain[1], options);
  }
  return absl::InvalidArgumentError("malformed operation: " + line);
}

}  // namespace

absl::StatusOr<client::TxnBuilder> ParseTxn(const std::string& text) {
  client::TxnBuilder txn;
  std::istringstream in(text);
  std::string line;
  int section = 0;  // 0 compares, 1 success, 2 failure
  while (std::getline(in, line)) {
    if (absl::StripAsciiWhitespace(line).empty()) {
      if (++section > 2) break;
      continue;
    }
    if (section == 0) {
      auto compare = ParseCompare(line);
      if (!compare.ok()) return compare.status();
      txn.If(*compare);
      continue;
    }
    auto op = ParseOp(line);
    if (!op.ok()) return op.status();
    if (section == 1) {
      txn.Then(*op);
    } else {
      txn.Else(*op);
    }
  }
  return txn;
}

}  // namespace raftkv::ctl
