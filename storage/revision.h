// A revision names one change in the MVCC history: `main` is the store-wide
// revision of the write (Put, DeleteRange or Txn) and `sub` numbers the changes
// inside that write, from 0.
#ifndef RAFTKV_STORAGE_REVISION_H_
#define RAFTKV_STORAGE_REVISION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

#include "absl/status/statusor.h"

namespace raftkv::storage {

struct Revision {
  int64_t main = 0;
  int64_t sub = 0;

  friend bool operator<(const Revision& a, const Revision& b) {
    return std::tie(a.main, a.sub) < std::tie(b.main, b.sub);
  }
  friend bool operator==(const Revision& a, const Revision& b) {
    return a.main == b.main && a.sub == b.sub;
  }
  friend bool operator!=(const Revision& a, const Revision& b) { return !(a == b); }
  friend bool operator>(const Revision& a, const Revision& b) { return b < a; }
};

// 17 bytes: big-endian main, '_', big-endian sub. Big-endian so that byte order
// equals revision order and LevelDB iterates the history chronologically.
inline constexpr size_t kEncodedRevisionSize = 17;
std::string EncodeRevision(Revision revision);
absl::StatusOr<Revision> DecodeRevision(std::string_view bytes);

}  // namespace raftkv::storage

#endif  // RAFTKV_STORAGE_REVISION_H_
