#include <signal.h>
#include <sys/wait.h>

#include <thread>

#include "gtest/gtest.h"
#include "tests/harness/command.h"
#include "tests/harness/network.h"
#include "tests/harness/process.h"
#include "tests/harness/temp_dir.h"

namespace raftkv::harness {
namespace {

TEST(RunCommandTest, CapturesExitCodeStdoutStderrAndFeedsStdin) {
  CommandOptions options;
  options.stdin_data = "hello\n";
  options.extra_env = {"GREETING=hi"};
  CommandResult r =
      RunCommand({"/bin/sh", "-c", "cat; echo \"$GREETING\"; echo oops >&2; exit 3"}, options);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "hello\nhi\n");
  EXPECT_EQ(r.err, "oops\n");
}

TEST(RunCommandTest, KillsCommandAtTimeout) {
  CommandOptions options;
  options.timeout = std::chrono::milliseconds(100);
  CommandResult r = RunCommand({"/bin/sleep", "30"}, options);
  EXPECT_EQ(r.exit_code, -1);
}

TEST(ProcessTest, TerminateDeliversSigterm) {
  TempDir dir;
  auto process = Process::Spawn({"/bin/sh", "-c",
                                 "trap 'echo bye; exit 0' TERM; echo up; "
                                 "while true; do sleep 0.01; done"},
                                dir.path() + "/log");
  ASSERT_TRUE(process.ok());
  // Wait for the trap to be installed before signalling.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((*process)->Log().find("up") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  int status = (*process)->Terminate(std::chrono::seconds(10));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE((*process)->Log().find("bye"), std::string::npos);
}

TEST(ProcessTest, KillStopsAProcessIgnoringSigterm) {
  TempDir dir;
  auto process = Process::Spawn({"/bin/sh", "-c", "trap '' TERM; while true; do sleep 0.01; done"},
                                dir.path() + "/log");
  ASSERT_TRUE(process.ok());
  int status = (*process)->Terminate(std::chrono::milliseconds(200));
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_FALSE((*process)->Running());
}

TEST(NetworkTest, FreePortIsNotListeningAndWaitTimesOut) {
  int port = PickFreePort();
  ASSERT_GT(port, 0);
  EXPECT_FALSE(WaitForTcpPort("127.0.0.1", port, std::chrono::milliseconds(50)));
}

}  // namespace
}  // namespace raftkv::harness
