// raftkvctl: a command-line client for raftkv (and etcd), in the spirit of etcdctl.
//
//   raftkvctl [--endpoints=a:2379,b:2379] [-w simple|json] [--dial-timeout=2s]
//             [--command-timeout=5s] <command> [args]
//
// Commands: get put del txn watch compaction lease member endpoint snapshot alarm service.
// Exit codes follow etcdctl: 0 ok, 1 error, 2 bad connection, 3 invalid input,
// 5 interrupted (long-running commands stopped by a signal), 6 I/O, 128 bad arguments.
#include <signal.h>

#include <functional>
#include <iostream>
#include <map>

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "tools/raftkvctl/args.h"
#include "tools/raftkvctl/commands.h"

namespace raftkv::ctl {

namespace {

void Interrupt(int) { g_interrupted = true; }

absl::StatusOr<std::chrono::milliseconds> DurationFlag(const Args& args, const std::string& flag,
                                                       const std::string& fallback) {
  absl::Duration duration;
  const std::string text = args.Get(flag, fallback);
  if (!absl::ParseDuration(text, &duration)) {
    return absl::InvalidArgumentError("--" + flag + ": bad duration " + text);
  }
  return std::chrono::milliseconds(absl::ToInt64Milliseconds(duration));
}

const std::map<std::string, std::function<int(Context&)>>& Commands() {
  static const auto* commands = new std::map<std::string, std::function<int(Context&)>>{
      {"get", RunGet},           {"put", RunPut},         {"del", RunDel},
      {"txn", RunTxn},           {"watch", RunWatch},     {"compaction", RunCompaction},
      {"lease", RunLease},       {"member", RunMember},   {"endpoint", RunEndpoint},
      {"snapshot", RunSnapshot}, {"service", RunService}, {"alarm", RunAlarm},
  };
  return *commands;
}

int Main(int argc, char** argv) {
  auto args = Args::Parse(std::vector<std::string>(argv + 1, argv + argc));
  if (!args.ok()) return BadArgs(std::string(args.status().message()));
  if (args->positional().empty() || Commands().count(args->positional()[0]) == 0) {
    std::string names;
    for (const auto& [name, unused] : Commands()) names += " " + name;
    return BadArgs("<command> [args]; commands:" + names);
  }
  const std::string format = args->Get("write-out", "simple");
  if (format != "simple" && format != "json") return BadArgs("-w simple|json");
  Printer printer(format == "json" ? Format::kJson : Format::kSimple);

  client::ClientOptions options;
  options.endpoints =
      absl::StrSplit(args->Get("endpoints", "127.0.0.1:2379"), ',', absl::SkipEmpty());
  options.discover_members = false;  // like etcdctl: talk to the endpoints given
  auto dial = DurationFlag(*args, "dial-timeout", "2s");
  auto command_timeout = DurationFlag(*args, "command-timeout", "5s");
  if (!dial.ok()) return BadArgs(std::string(dial.status().message()));
  if (!command_timeout.ok()) return BadArgs(std::string(command_timeout.status().message()));
  options.dial_timeout = *dial;
  options.request_timeout = *command_timeout;
  auto client = client::Client::Connect(options);
  if (!client.ok()) {
    std::cerr << "Error: " << client.status().message() << std::endl;
    return kExitBadConnection;
  }
  signal(SIGINT, Interrupt);
  signal(SIGTERM, Interrupt);
  const auto& words = args->positional();
  Context context{client->get(), printer, *args, {words.begin() + 1, words.end()}};
  return Commands().at(words[0])(context);
}

}  // namespace
}  // namespace raftkv::ctl

int main(int argc, char** argv) { return raftkv::ctl::Main(argc, argv); }
