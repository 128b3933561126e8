// Waiting on a condition with a deadline instead of sleeping and hoping.
#ifndef RAFTKV_TESTS_HARNESS_EVENTUALLY_H_
#define RAFTKV_TESTS_HARNESS_EVENTUALLY_H_

#include <chrono>
#include <functional>

namespace raftkv::harness {

// Polls `condition` every `poll` until it holds (true) or `timeout` passes (false).
bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds poll = std::chrono::milliseconds(20));

}  // namespace raftkv::harness

#endif  // RAFTKV_TESTS_HARNESS_EVENTUALLY_H_
