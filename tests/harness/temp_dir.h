// A fresh directory (under $TEST_TMPDIR when run by Bazel) removed on destruction.
#ifndef RAFTKV_TESTS_HARNESS_TEMP_DIR_H_
#define RAFTKV_TESTS_HARNESS_TEMP_DIR_H_

#include <string>

namespace raftkv::harness {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace raftkv::harness

#endif  // RAFTKV_TESTS_HARNESS_TEMP_DIR_H_
