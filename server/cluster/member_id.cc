#include "server/cluster/member_id.h"

#include <openssl/sha.h>

#include <algorithm>

#include "absl/strings/str_format.h"

namespace raftkv::server {
namespace {

uint64_t First8BytesOfSha1(const std::string& bytes) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | digest[i];
  return value;
}

}  // namespace

uint64_t ComputeMemberId(std::vector<std::string> peer_urls, const std::string& cluster_token,
                         int64_t salt) {
  std::sort(peer_urls.begin(), peer_urls.end());
  std::string input;
  for (const std::string& url : peer_urls) input += url;
  input += cluster_token;
  if (salt >= 0) input += std::to_string(salt);
  return First8BytesOfSha1(input);
}

uint64_t FreshMemberId(const std::vector<std::string>& peer_urls, const std::string& cluster_token,
                       int64_t now_micros, const std::function<bool(uint64_t)>& taken) {
  for (int64_t salt = now_micros;; ++salt) {
    const uint64_t id = ComputeMemberId(peer_urls, cluster_token, salt);
    if (id != 0 && !taken(id)) return id;  // 0 means "no member" on the wire
  }
}

uint64_t ComputeClusterId(std::vector<uint64_t> member_ids) {
  std::sort(member_ids.begin(), member_ids.end());
  std::string input;
  for (uint64_t id : member_ids) {
    for (int shift = 56; shift >= 0; shift -= 8) input.push_back(static_cast<char>(id >> shift));
  }
  return First8BytesOfSha1(input);
}

std::string MemberIdToHex(uint64_t id) { return absl::StrFormat("%x", id); }

}  // namespace raftkv::server
