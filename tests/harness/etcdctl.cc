#include "tests/harness/etcdctl.h"

namespace raftkv::harness {

CommandResult Etcdctl(const std::string& endpoint, const std::vector<std::string>& args,
                      const std::string& stdin_data) {
  std::vector<std::string> argv = {kEtcdctlPath, "--endpoints=" + endpoint};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandOptions options;
  options.stdin_data = stdin_data;
  options.extra_env = {"ETCDCTL_API=3"};
  return RunCommand(argv, options);
}

}  // namespace raftkv::harness
