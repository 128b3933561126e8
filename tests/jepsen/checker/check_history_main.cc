// check_history: reads a JSON-lines history (see history_json.h) and prints the
// linearizability verdict.
//
//   check_history [--model=register|list] [--time-limit-ms=N] [--max-states=N] FILE
//
// Exit status: 0 linearizable, 1 not linearizable, 2 unknown (search limits reached),
// 3 usage or input error.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "tests/jepsen/checker/check_report.h"
#include "tests/jepsen/checker/history_json.h"
#include "tests/jepsen/checker/linearizability_checker.h"
#include "tests/jepsen/checker/list_model.h"
#include "tests/jepsen/checker/register_model.h"

namespace raftkv::jepsen {
namespace {

constexpr int kExitUsage = 3;

struct Arguments {
  std::string model = "register";
  std::string path;
  CheckOptions options;
};

bool ParseArguments(int argc, char** argv, Arguments* args) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    int64_t number = 0;
    if (absl::StartsWith(arg, "--model=")) {
      args->model = arg.substr(8);
    } else if (absl::StartsWith(arg, "--time-limit-ms=") &&
               absl::SimpleAtoi(arg.substr(16), &number)) {
      args->options.time_limit = std::chrono::milliseconds(number);
    } else if (absl::StartsWith(arg, "--max-states=") &&
               absl::SimpleAtoi(arg.substr(13), &number)) {
      args->options.max_states_per_key = number;
    } else if (!absl::StartsWith(arg, "--") && args->path.empty()) {
      args->path = arg;
    } else {
      return false;
    }
  }
  return !args->path.empty();
}

std::unique_ptr<Model> MakeModel(const std::string& name) {
  if (name == "register") return std::make_unique<RegisterModel>();
  if (name == "list") return std::make_unique<ListModel>();
  return nullptr;
}

int Main(int argc, char** argv) {
  Arguments args;
  if (!ParseArguments(argc, argv, &args)) {
    std::cerr << "usage: check_history [--model=register|list] [--time-limit-ms=N] "
                 "[--max-states=N] HISTORY.jsonl\n";
    return kExitUsage;
  }
  std::unique_ptr<Model> model = MakeModel(args.model);
  if (model == nullptr) {
    std::cerr << "unknown model \"" << args.model << "\" (register or list)\n";
    return kExitUsage;
  }
  std::ifstream file(args.path);
  if (!file) {
    std::cerr << "cannot open " << args.path << "\n";
    return kExitUsage;
  }
  std::stringstream text;
  text << file.rdbuf();
  absl::StatusOr<std::vector<Operation>> history = HistoryFromJsonLines(text.str());
  if (!history.ok()) {
    std::cerr << args.path << ": " << history.status().message() << "\n";
    return kExitUsage;
  }
  absl::StatusOr<CheckResult> result = CheckLinearizability(*history, *model, args.options);
  if (!result.ok()) {
    std::cerr << args.path << ": " << result.status().message() << "\n";
    return kExitUsage;
  }
  std::cout << FormatCheckResult(*result);
  switch (result->verdict) {
    case Verdict::kLinearizable:
      return 0;
    case Verdict::kNotLinearizable:
      return 1;
    case Verdict::kUnknown:
      return 2;
  }
  return 2;
}

}  // namespace
}  // namespace raftkv::jepsen

int main(int argc, char** argv) { return raftkv::jepsen::Main(argc, argv); }
