#include "tests/jepsen/runner/host_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <thread>

namespace raftkv::jepsen {
namespace {

bool ToSockaddr(const std::string& address, int port, sockaddr_in* out) {
  *out = sockaddr_in{};
  out->sin_family = AF_INET;
  out->sin_port = htons(static_cast<uint16_t>(port));
  return inet_pton(AF_INET, address.c_str(), &out->sin_addr) == 1;
}

}  // namespace

int ListenOnAnyPort(const std::string& address, int* port) {
  sockaddr_in addr;
  if (!ToSockaddr(address, 0, &addr)) return -1;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

bool CanConnect(const std::string& address, int port, std::chrono::milliseconds timeout) {
  sockaddr_in addr;
  if (!ToSockaddr(address, port, &addr)) return false;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return false;
  bool connected = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  if (!connected && errno == EINPROGRESS) {
    pollfd waiting = {fd, POLLOUT, 0};
    int error = 0;
    socklen_t len = sizeof(error);
    connected = poll(&waiting, 1, static_cast<int>(timeout.count())) == 1 &&
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0;
  }
  close(fd);
  return connected;
}

bool WaitUntilConnectable(const std::string& address, int port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    if (CanConnect(address, port, std::min(left, std::chrono::milliseconds(500)))) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace raftkv::jepsen
