// etcdctl 3.4 against a cluster: the caller passes --endpoints (several endpoints let
// etcdctl pick, as users do) and may parse `-w json` output.
#ifndef RAFTKV_TESTS_CLUSTER_CLUSTER_ETCDCTL_H_
#define RAFTKV_TESTS_CLUSTER_CLUSTER_ETCDCTL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "tests/harness/command.h"

namespace raftkv::cluster_test {

// `etcdctl <args...>` with ETCDCTL_API=3 and a 15 s hard timeout.
harness::CommandResult RunEtcdctl(const std::vector<std::string>& args);

// Parsed stdout, or a discarded value if it is not JSON.
nlohmann::json ParseJson(const std::string& out);

// Member ids as etcdctl takes them on the command line.
std::string HexId(uint64_t id);

// Exit code and output for an assertion message; prefixed "[RPC NOT IMPLEMENTED YET in
// raftkv]" when the server answered UNIMPLEMENTED.
std::string Explain(const harness::CommandResult& result);

// True when etcdctl failed only because the server does not implement the RPC yet.
bool IsUnimplemented(const harness::CommandResult& result);

}  // namespace raftkv::cluster_test

#endif  // RAFTKV_TESTS_CLUSTER_CLUSTER_ETCDCTL_H_
