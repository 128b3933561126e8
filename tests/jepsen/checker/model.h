// A sequential specification the checker linearizes operations against.
#ifndef RAFTKV_TESTS_JEPSEN_CHECKER_MODEL_H_
#define RAFTKV_TESTS_JEPSEN_CHECKER_MODEL_H_

#include <optional>
#include <string>
#include <vector>

#include "tests/jepsen/checker/operation.h"

namespace raftkv::jepsen {

// States are opaque byte strings so that the checker can hash and compare them to memoize
// (linearized set, state) pairs without knowing the model.
using ModelState = std::string;

class Model {
 public:
  virtual ~Model() = default;

  virtual std::string Name() const = 0;
  virtual ModelState Initial() const = 0;

  // Applies `op` (whose outcome is ok, or info and assumed to have happened) to `state`.
  // Returns the next state, or nullopt if the op's observed output is impossible in `state`
  // or the model does not support the op type.
  virtual std::optional<ModelState> Step(const ModelState& state, const Operation& op) const = 0;

  virtual std::string DescribeState(const ModelState& state) const = 0;

  // True if `info_op` (indeterminate) could never help explain any of `key_ops` (the other
  // ops on its key), e.g. a write of a value nobody ever observed: leaving it out is then
  // always at least as good as linearizing it, and the checker drops it before searching.
  // Lingering info ops are what makes the search expensive, so this matters a lot.
  virtual bool IsUnobservable(const Operation& info_op,
                              const std::vector<Operation>& key_ops) const {
    (void)info_op;
    (void)key_ops;
    return false;
  }
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_CHECKER_MODEL_H_
