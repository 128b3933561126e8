// A single register per key: read, write, compare-and-swap; initially nil.
#ifndef RAFTKV_TESTS_JEPSEN_CHECKER_REGISTER_MODEL_H_
#define RAFTKV_TESTS_JEPSEN_CHECKER_REGISTER_MODEL_H_

#include "tests/jepsen/checker/model.h"

namespace raftkv::jepsen {

// read: output {v} must equal the current value (an ok read without output is unconstrained).
// write: input {v}. cas: input {expected, new}; ok means expected matched and new was stored.
class RegisterModel : public Model {
 public:
  std::string Name() const override { return "register"; }
  ModelState Initial() const override;
  std::optional<ModelState> Step(const ModelState& state, const Operation& op) const override;
  std::string DescribeState(const ModelState& state) const override;
  bool IsUnobservable(const Operation& info_op,
                      const std::vector<Operation>& key_ops) const override;
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_CHECKER_REGISTER_MODEL_H_
