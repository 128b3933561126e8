#include "tests/harness/runfiles.h"

#include <stdlib.h>

namespace raftkv::harness {

std::string RunfilePath(const std::string& workspace_relative_path) {
  const char* srcdir = getenv("TEST_SRCDIR");
  if (srcdir == nullptr) return workspace_relative_path;  // run from the workspace root
  return std::string(srcdir) + "/raftkv/" + workspace_relative_path;
}

}  // namespace raftkv::harness
