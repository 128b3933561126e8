// raftkvctl's commands. Each returns an ExitCode (args.h).
#ifndef RAFTKV_TOOLS_RAFTKVCTL_COMMANDS_H_
#define RAFTKV_TOOLS_RAFTKVCTL_COMMANDS_H_

#include <atomic>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/client.h"
#include "tools/raftkvctl/args.h"
#include "tools/raftkvctl/printer.h"

namespace raftkv::ctl {

struct Context {
  client::Client* client;
  const Printer& printer;
  const Args& args;
  // Positional words after the command name.
  std::vector<std::string> words;
};

// Set by SIGINT/SIGTERM: long-running commands (watch, keep-alive, service register) stop.
extern std::atomic<bool> g_interrupted;

// Prints "Error: <message>" to stderr and maps the status to an exit code.
int Fail(const absl::Status& status);
int BadArgs(const std::string& usage);

int RunGet(Context& context);
int RunPut(Context& context);
int RunDel(Context& context);
int RunTxn(Context& context);
int RunWatch(Context& context);
int RunCompaction(Context& context);
int RunLease(Context& context);
int RunMember(Context& context);
int RunEndpoint(Context& context);
int RunSnapshot(Context& context);
int RunAlarm(Context& context);
int RunService(Context& context);

}  // namespace raftkv::ctl

#endif  // RAFTKV_TOOLS_RAFTKVCTL_COMMANDS_H_
