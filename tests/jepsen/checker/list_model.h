// An append-only list per key: append adds one element at the end, read returns the whole list.
#ifndef RAFTKV_TESTS_JEPSEN_CHECKER_LIST_MODEL_H_
#define RAFTKV_TESTS_JEPSEN_CHECKER_LIST_MODEL_H_

#include "tests/jepsen/checker/model.h"

namespace raftkv::jepsen {

// append: input {v} (v not nil). read: output is the list, oldest first; empty initially.
class ListModel : public Model {
 public:
  std::string Name() const override { return "list"; }
  ModelState Initial() const override { return ""; }
  std::optional<ModelState> Step(const ModelState& state, const Operation& op) const override;
  std::string DescribeState(const ModelState& state) const override;
  bool IsUnobservable(const Operation& info_op,
                      const std::vector<Operation>& key_ops) const override;
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_CHECKER_LIST_MODEL_H_
