// Small synchronous KV calls on one member of a JepsenCluster, for the nemesis tests:
// each answers within its deadline, so a cut-off member shows up as a failure, not a hang.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_NEMESIS_TEST_SUPPORT_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_NEMESIS_TEST_SUPPORT_H_

#include <chrono>
#include <string>

#include "tests/jepsen/runner/jepsen_cluster.h"

namespace raftkv::jepsen {

// True when `member` acknowledged the Put within `deadline`.
bool PutOn(JepsenCluster& cluster, int member, const std::string& key, const std::string& value,
           std::chrono::milliseconds deadline = std::chrono::seconds(2));

enum class ReadMode { kLinearizable, kSerializable };
// The value `member` returns for `key`: "<none>" when absent, "<error>" when the read
// failed. kSerializable reads the member's own copy (no Raft round trip).
std::string ReadOn(JepsenCluster& cluster, int member, const std::string& key,
                   ReadMode mode = ReadMode::kLinearizable);

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_NEMESIS_TEST_SUPPORT_H_
