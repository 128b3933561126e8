// Locating binaries for tests: Bazel data dependencies and system tools.
#ifndef RAFTKV_TESTS_HARNESS_RUNFILES_H_
#define RAFTKV_TESTS_HARNESS_RUNFILES_H_

#include <string>

namespace raftkv::harness {

// Path of a workspace file shipped as a `data` dependency, e.g. "server/raftkv".
std::string RunfilePath(const std::string& workspace_relative_path);

}  // namespace raftkv::harness

#endif  // RAFTKV_TESTS_HARNESS_RUNFILES_H_
