#include "tests/harness/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"

namespace raftkv::harness {
namespace {

std::vector<char*> ToArgv(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  return argv;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Process>> Process::Spawn(const std::vector<std::string>& argv,
                                                        const std::string& log_path) {
  if (argv.empty()) return absl::InvalidArgumentError("empty argv");
  int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return absl::InternalError(absl::StrCat("open ", log_path, ": ", std::strerror(errno)));
  }
  std::vector<char*> c_argv = ToArgv(argv);
  pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(c_argv[0], c_argv.data());
    _exit(127);
  }
  close(log_fd);
  return std::unique_ptr<Process>(new Process(pid, log_path));
}

Process::~Process() {
  if (!wait_status_) Kill();
}

bool Process::Running() { return !WaitForExit(std::chrono::milliseconds(0)).has_value(); }

std::optional<int> Process::WaitForExit(std::chrono::milliseconds timeout) {
  if (wait_status_) return wait_status_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      wait_status_ = status;
      return wait_status_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

int Process::Terminate(std::chrono::milliseconds grace) {
  if (wait_status_) return *wait_status_;
  kill(pid_, SIGTERM);
  if (auto status = WaitForExit(grace)) return *status;
  return Kill();
}

int Process::Kill() {
  if (wait_status_) return *wait_status_;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  wait_status_ = status;
  return status;
}

std::string Process::Log() const {
  std::ifstream in(log_path_);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace raftkv::harness
