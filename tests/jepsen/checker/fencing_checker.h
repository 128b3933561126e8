// Checks the lock workload: holders of a lock write to a protected key only through a
// transaction guarded by their lock key's create revision (the fencing token), so a holder
// whose session expired is refused once a later holder exists. Given every write attempt
// and the protected key's committed history (from its watch replay), the checker demands:
//   - committed tokens never decrease in revision order (no stale holder got through
//     after a newer one, so accepted critical sections never interleave);
//   - every committed value was attempted, and not by an attempt the guard refused;
//   - every acknowledged attempt is committed, once, at the revision it was told;
//   - one token belongs to one holder.
#ifndef RAFTKV_TESTS_JEPSEN_CHECKER_FENCING_CHECKER_H_
#define RAFTKV_TESTS_JEPSEN_CHECKER_FENCING_CHECKER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tests/jepsen/checker/operation.h"

namespace raftkv::jepsen {

struct FencedWrite {
  std::string value;  // unique per attempt
  int64_t token = 0;  // the holder's lock key create revision
  int holder = 0;     // the client (session) that held the lock
  // kOk: the guard held and the write committed; kFail: the guard refused (or the request
  // was provably rejected); kInfo: unknown.
  Outcome outcome = Outcome::kInfo;
  int64_t revision = 0;  // commit revision, for kOk
};

struct CommittedWrite {
  int64_t revision = 0;
  std::string value;
};

struct FencingCheckResult {
  bool ok = true;
  int64_t committed = 0;
  int64_t tokens = 0;  // distinct tokens seen committed
  std::vector<std::string> problems;
};

// `committed` must be the protected key's puts in revision order.
FencingCheckResult CheckFencing(const std::vector<FencedWrite>& attempts,
                                const std::vector<CommittedWrite>& committed);

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_CHECKER_FENCING_CHECKER_H_
