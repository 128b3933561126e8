#include "tests/harness/member_process.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "tests/harness/etcdctl.h"
#include "tests/harness/network.h"

namespace raftkv::harness {

absl::StatusOr<std::unique_ptr<MemberProcess>> MemberProcess::Start(const MemberOptions& opts) {
  MemberOptions options = opts;
  if (options.client_port == 0) options.client_port = PickFreePort();
  if (options.peer_port == 0) options.peer_port = PickFreePort();
  const std::string client_url = absl::StrCat("http://127.0.0.1:", options.client_port);
  const std::string peer_url = absl::StrCat("http://127.0.0.1:", options.peer_port);
  std::vector<std::string> argv = {
      options.binary,
      "--name=" + options.name,
      "--data-dir=" + options.data_dir + "/member-data",
      "--listen-client-urls=" + client_url,
      "--advertise-client-urls=" + client_url,
      "--listen-peer-urls=" + peer_url,
      "--initial-advertise-peer-urls=" + peer_url,
      absl::StrCat("--initial-cluster=", options.name, "=", peer_url),
  };
  argv.insert(argv.end(), options.extra_flags.begin(), options.extra_flags.end());
  absl::StatusOr<std::unique_ptr<Process>> process =
      Process::Spawn(argv, options.data_dir + "/member.log");
  if (!process.ok()) return process.status();

  const std::string endpoint = absl::StrCat("127.0.0.1:", options.client_port);
  const auto deadline = std::chrono::steady_clock::now() + options.ready_timeout;
  if (!WaitForTcpPort("127.0.0.1", options.client_port, options.ready_timeout)) {
    return absl::DeadlineExceededError(absl::StrCat(options.binary, " did not listen on ", endpoint,
                                                    "; log:\n", (*process)->Log()));
  }
  // Listening is not serving: etcd still has to elect itself leader.
  while (true) {
    if (!(*process)->Running()) {
      return absl::FailedPreconditionError(
          absl::StrCat(options.binary, " exited; log:\n", (*process)->Log()));
    }
    CommandResult health = Etcdctl(endpoint, {"endpoint", "health", "--command-timeout=2s"});
    if (health.exit_code == 0) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(options.binary, " not healthy: ", health.err,
                                                      "; log:\n", (*process)->Log()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::unique_ptr<MemberProcess>(
      new MemberProcess(std::move(options), *std::move(process), endpoint));
}

}  // namespace raftkv::harness
