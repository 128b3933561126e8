// Runs Debian's etcdctl (v3 API) against an endpoint.
#ifndef RAFTKV_TESTS_HARNESS_ETCDCTL_H_
#define RAFTKV_TESTS_HARNESS_ETCDCTL_H_

#include <string>
#include <vector>

#include "tests/harness/command.h"

namespace raftkv::harness {

inline constexpr char kEtcdctlPath[] = "/usr/bin/etcdctl";
inline constexpr char kEtcdPath[] = "/usr/bin/etcd";

// etcdctl --endpoints=<endpoint> <args...>, with ETCDCTL_API=3.
CommandResult Etcdctl(const std::string& endpoint, const std::vector<std::string>& args,
                      const std::string& stdin_data = "");

}  // namespace raftkv::harness

#endif  // RAFTKV_TESTS_HARNESS_ETCDCTL_H_
