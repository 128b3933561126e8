// The size of the database directory, cheap enough to ask on every write.
//
// The quota check runs before every Put; listing the LevelDB directory each time
// cost several syscalls per request. Instead the directory is listed at most
// every `kRescanInterval`, and the bytes written since are added to that figure
// (an over-estimate by LevelDB's framing at most; compactions show at the next
// listing). Operations that change the files wholesale call Invalidate().
#ifndef RAFTKV_STORAGE_MVCC_DB_SIZE_H_
#define RAFTKV_STORAGE_MVCC_DB_SIZE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

namespace raftkv::storage {

class DbSizeEstimate {
 public:
  static constexpr std::chrono::milliseconds kRescanInterval{500};

  explicit DbSizeEstimate(std::string path) : path_(std::move(path)) {}

  int64_t Bytes() const {
    const int64_t now = NowNanos();
    const int64_t listed_at = listed_at_ns_.load(std::memory_order_acquire);
    if (listed_at != 0 && now - listed_at < kRescanIntervalNanos) {
      return listed_bytes_.load(std::memory_order_relaxed) +
             written_since_.load(std::memory_order_relaxed);
    }
    // Writes racing with the listing may be counted twice: over, never under.
    written_since_.store(0, std::memory_order_relaxed);
    listed_bytes_.store(ListDirectory(), std::memory_order_relaxed);
    listed_at_ns_.store(now, std::memory_order_release);
    return listed_bytes_.load(std::memory_order_relaxed);
  }

  void AddWritten(int64_t bytes) { written_since_.fetch_add(bytes, std::memory_order_relaxed); }
  void Invalidate() { listed_at_ns_.store(0, std::memory_order_release); }

 private:
  static constexpr int64_t kRescanIntervalNanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(kRescanInterval).count();

  static int64_t NowNanos() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  int64_t ListDirectory() const {
    std::error_code error;
    int64_t total = 0;
    for (const auto& entry : std::filesystem::directory_iterator(path_, error)) {
      if (entry.is_regular_file(error)) total += static_cast<int64_t>(entry.file_size(error));
    }
    return total;
  }

  const std::string path_;
  mutable std::atomic<int64_t> listed_at_ns_{0};  // 0: list at the next call
  mutable std::atomic<int64_t> listed_bytes_{0};
  mutable std::atomic<int64_t> written_since_{0};
};

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_MVCC_DB_SIZE_H_
