// Unique request ids for proposals, as etcd builds them: the member id's low 16 bits,
// then a millisecond timestamp taken at start, then a counter. Ids stay unique across
// members and across restarts of one member (unless its clock goes backwards).
#ifndef RAFTKV_SERVER_REQUEST_ID_GENERATOR_H_
#define RAFTKV_SERVER_REQUEST_ID_GENERATOR_H_

#include <atomic>
#include <chrono>
#include <cstdint>

namespace raftkv::server {

class RequestIdGenerator {
 public:
  explicit RequestIdGenerator(uint64_t member_id)
      : prefix_(member_id << 48), next_suffix_(StartMillis() << 8) {}

  uint64_t Next() { return prefix_ | (next_suffix_.fetch_add(1) & kSuffixMask); }

 private:
  static constexpr uint64_t kSuffixMask = (uint64_t{1} << 48) - 1;

  static uint64_t StartMillis() {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    return uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()) &
           ((uint64_t{1} << 40) - 1);
  }

  const uint64_t prefix_;
  std::atomic<uint64_t> next_suffix_;
};

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_REQUEST_ID_GENERATOR_H_
