// Generates linearizable histories by running random concurrent clients against a real,
// atomic in-memory register per key (each op takes effect at one instant between its
// invocation and its completion), recorded with History.
#ifndef RAFTKV_TESTS_JEPSEN_CHECKER_REGISTER_SIMULATION_H_
#define RAFTKV_TESTS_JEPSEN_CHECKER_REGISTER_SIMULATION_H_

#include <cstdint>
#include <vector>

#include "tests/jepsen/checker/operation.h"

namespace raftkv::jepsen {

struct RegisterSimulationOptions {
  int processes = 5;
  int operations = 1000;
  int keys = 1;
  uint32_t seed = 1;
  // Chance that an op ends indeterminate (half of those still take effect).
  double info_probability = 0.01;
  // Chance that a write is rejected (fails without taking effect).
  double fail_probability = 0.02;
};

// Written values are unique ("v<n>"), which makes stale reads detectable by construction.
std::vector<Operation> SimulateRegisterHistory(const RegisterSimulationOptions& options);

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_CHECKER_REGISTER_SIMULATION_H_
