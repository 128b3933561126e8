// Small TCP helpers for probing member-to-member reachability, bounded in time even when
// packets are silently dropped (a plain blocking connect would wait for minutes).
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_HOST_SOCKET_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_HOST_SOCKET_H_

#include <chrono>
#include <string>

namespace raftkv::jepsen {

// A listening TCP socket on address:0 (in the calling thread's network namespace); returns
// the fd and sets *port, or -1.
int ListenOnAnyPort(const std::string& address, int* port);

// True if a TCP connection to address:port is established within `timeout`.
bool CanConnect(const std::string& address, int port, std::chrono::milliseconds timeout);

// Retries CanConnect until it succeeds or `timeout` elapses.
bool WaitUntilConnectable(const std::string& address, int port, std::chrono::milliseconds timeout);

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_HOST_SOCKET_H_
