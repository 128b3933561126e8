#ifndef RAFTKV_TOOLS_BENCH_KEY_VALUE_SOURCE_H_
#define RAFTKV_TOOLS_BENCH_KEY_VALUE_SOURCE_H_

#include <cstdint>
#include <random>
#include <string>

namespace raftkv::bench {

// Builds the keys and values the workloads send. Keys are `prefix` followed by
// a zero-padded index in [0, key_space), padded so that the whole key is
// `key_size` bytes when it fits (like etcd's benchmark, keys are fixed-size).
class KeyValueSource {
 public:
  KeyValueSource(std::string prefix, int key_size, int64_t key_space, int val_size);

  std::string KeyAt(int64_t index) const;
  std::string RandomKey(std::mt19937_64& rng) const;
  // A fresh copy of the value filler (callers may overwrite a prefix of it).
  const std::string& Value() const { return value_; }
  int64_t key_space() const { return key_space_; }
  const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
  int digits_;
  int64_t key_space_;
  std::string value_;
};

// The end of the range covering every key that starts with `prefix` (etcd's
// "prefix range_end": increment the last byte that is not 0xff).
std::string PrefixRangeEnd(const std::string& prefix);

}  // namespace raftkv::bench

#endif  // RAFTKV_TOOLS_BENCH_KEY_VALUE_SOURCE_H_
