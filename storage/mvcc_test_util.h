// Helpers for MVCC store tests: a self-cleaning temp directory and short
// request builders.
#ifndef RAFTKV_STORAGE_MVCC_TEST_UTIL_H_
#define RAFTKV_STORAGE_MVCC_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "proto/rpc.pb.h"
#include "storage/mvcc_store.h"

namespace raftkv::storage::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Opens (or dies trying) a store without fsync.
std::unique_ptr<MvccStore> OpenOrDie(const std::string& path);

etcdserverpb::PutRequest PutReq(const std::string& key, const std::string& value,
                                int64_t lease = 0);
etcdserverpb::RangeRequest RangeReq(const std::string& key, const std::string& end = "",
                                    int64_t revision = 0);
etcdserverpb::DeleteRangeRequest DeleteReq(const std::string& key, const std::string& end = "");

// Keys of a range response, in response order.
std::vector<std::string> Keys(const etcdserverpb::RangeResponse& response);

}  // namespace raftkv::storage::testing

#endif  // RAFTKV_STORAGE_MVCC_TEST_UTIL_H_
