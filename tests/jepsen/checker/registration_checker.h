// Checks the registration workload's end state: after the faults are healed and every
// stopped instance's TTL has run out, a discovery cache that lived through the faults and a
// fresh list must both show exactly the instances still running.
#ifndef RAFTKV_TESTS_JEPSEN_CHECKER_REGISTRATION_CHECKER_H_
#define RAFTKV_TESTS_JEPSEN_CHECKER_REGISTRATION_CHECKER_H_

#include <set>
#include <string>
#include <vector>

namespace raftkv::jepsen {

// One line per difference: "<view>: expired instance x still listed" or "<view>: live
// instance y missing". Empty when `seen` == `live`.
std::vector<std::string> CompareRegistrations(const std::string& view,
                                              const std::set<std::string>& live,
                                              const std::set<std::string>& stopped,
                                              const std::set<std::string>& seen);

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_CHECKER_REGISTRATION_CHECKER_H_
