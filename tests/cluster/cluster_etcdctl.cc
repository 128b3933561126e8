#include "tests/cluster/cluster_etcdctl.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tests/harness/etcdctl.h"

namespace raftkv::cluster_test {

harness::CommandResult RunEtcdctl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {harness::kEtcdctlPath};
  argv.insert(argv.end(), args.begin(), args.end());
  harness::CommandOptions options;
  options.extra_env = {"ETCDCTL_API=3"};
  options.timeout = std::chrono::seconds(15);
  return harness::RunCommand(argv, options);
}

nlohmann::json ParseJson(const std::string& out) {
  return nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
}

std::string HexId(uint64_t id) { return absl::StrFormat("%x", id); }

bool IsUnimplemented(const harness::CommandResult& result) {
  return result.exit_code != 0 && absl::StrContains(result.err, "code = Unimplemented");
}

std::string Explain(const harness::CommandResult& result) {
  return absl::StrCat(IsUnimplemented(result) ? "[RPC NOT IMPLEMENTED YET in raftkv] " : "",
                      "exit ", result.exit_code, "\nstdout: ", result.out,
                      "\nstderr: ", result.err);
}

}  // namespace raftkv::cluster_test
