// A fault the runner injects into one member and later heals.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_NEMESIS_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_NEMESIS_H_

#include <string>

#include "absl/status/status.h"

namespace raftkv::jepsen {

class Nemesis {
 public:
  virtual ~Nemesis() = default;
  virtual std::string Name() const = 0;
  // Injects the fault into `member`. At most one fault is active at a time.
  virtual absl::Status Inject(int member) = 0;
  // Undoes the active fault, if any; safe to call when nothing is active.
  virtual absl::Status Heal() = 0;
  // What the last Inject did, when the name alone does not say (e.g. which links a
  // partition cut: "m0 sees {m0,m1,m2}; ..."); empty otherwise.
  virtual std::string LastFault() const { return ""; }
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_NEMESIS_H_
