#include "storage/mvcc_test_util.h"

#include <stdlib.h>

#include <filesystem>

#include "gtest/gtest.h"

namespace raftkv::storage::testing {

TempDir::TempDir() {
  const char* base = getenv("TEST_TMPDIR");
  std::string pattern = std::string(base ? base : "/tmp") + "/mvcc_test_XXXXXX";
  char* made = mkdtemp(pattern.data());
  if (made == nullptr) abort();
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::unique_ptr<MvccStore> OpenOrDie(const std::string& path) {
  MvccStore::Options options;
  options.path = path;
  options.sync_writes = false;
  auto store = MvccStore::Open(options);
  if (!store.ok()) {
    ADD_FAILURE() << store.status();
    abort();
  }
  return std::move(*store);
}

etcdserverpb::PutRequest PutReq(const std::string& key, const std::string& value, int64_t lease) {
  etcdserverpb::PutRequest r;
  r.set_key(key);
  r.set_value(value);
  r.set_lease(lease);
  return r;
}

etcdserverpb::RangeRequest RangeReq(const std::string& key, const std::string& end,
                                    int64_t revision) {
  etcdserverpb::RangeRequest r;
  r.set_key(key);
  r.set_range_end(end);
  r.set_revision(revision);
  return r;
}

etcdserverpb::DeleteRangeRequest DeleteReq(const std::string& key, const std::string& end) {
  etcdserverpb::DeleteRangeRequest r;
  r.set_key(key);
  r.set_range_end(end);
  return r;
}

std::vector<std::string> Keys(const etcdserverpb::RangeResponse& response) {
  std::vector<std::string> keys;
  for (const auto& kv : response.kvs()) keys.push_back(kv.key());
  return keys;
}

}  // namespace raftkv::storage::testing
