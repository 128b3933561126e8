#include "tools/bench/key_value_source.h"

#include <algorithm>

namespace raftkv::bench {
namespace {

int DecimalDigits(int64_t n) {
  int digits = 1;
  while (n >= 10) {
    n /= 10;
    ++digits;
  }
  return digits;
}

}  // namespace

KeyValueSource::KeyValueSource(std::string prefix, int key_size, int64_t key_space, int val_size)
    : prefix_(std::move(prefix)),
      key_space_(std::max<int64_t>(1, key_space)),
      value_(std::max(0, val_size), 'v') {
  const int needed = DecimalDigits(key_space_ - 1);
  digits_ = std::max(needed, key_size - static_cast<int>(prefix_.size()));
}

std::string KeyValueSource::KeyAt(int64_t index) const {
  std::string number = std::to_string(index % key_space_);
  std::string key = prefix_;
  key.append(digits_ - number.size(), '0');
  key += number;
  return key;
}

std::string KeyValueSource::RandomKey(std::mt19937_64& rng) const {
  return KeyAt(static_cast<int64_t>(rng() % static_cast<uint64_t>(key_space_)));
}

std::string PrefixRangeEnd(const std::string& prefix) {
  std::string end = prefix;
  while (!end.empty()) {
    if (static_cast<unsigned char>(end.back()) < 0xff) {
      end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');  // every key
}

}  // namespace raftkv::bench
