// Ports for test servers.
#ifndef RAFTKV_TESTS_HARNESS_NETWORK_H_
#define RAFTKV_TESTS_HARNESS_NETWORK_H_

#include <chrono>
#include <string>

namespace raftkv::harness {

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
int PickFreePort();

// Polls until a TCP connect to host:port succeeds or `timeout` elapses.
bool WaitForTcpPort(const std::string& host, int port, std::chrono::milliseconds timeout);

}  // namespace raftkv::harness

#endif  // RAFTKV_TESTS_HARNESS_NETWORK_H_
