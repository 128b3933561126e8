// Member and cluster identifiers derived the way etcd derives them, so a raftkv
// cluster started with the same flags reports the same IDs as etcd would.
#ifndef RAFTKV_SERVER_CLUSTER_MEMBER_ID_H_
#define RAFTKV_SERVER_CLUSTER_MEMBER_ID_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace raftkv::server {

// First 8 bytes (big endian) of sha1(sorted peer URLs ++ cluster token [++ salt]).
// `salt` is only used for members added at runtime (etcd mixes in the time so
// re-adding the same URLs yields a new ID); pass -1 for bootstrap members.
uint64_t ComputeMemberId(std::vector<std::string> peer_urls, const std::string& cluster_token,
                         int64_t salt = -1);

// An ID for a member added at runtime that `taken` rejects neither now nor ever was:
// salted with `now_micros`, and with the next salts while the ID is taken. etcd salts
// with whole seconds, so a member removed and re-added within one second gets its old,
// removed ID back and the add is ignored; raftkv's IDs stay fresh.
uint64_t FreshMemberId(const std::vector<std::string>& peer_urls, const std::string& cluster_token,
                       int64_t now_micros, const std::function<bool(uint64_t)>& taken);

// First 8 bytes (big endian) of sha1 over the sorted member IDs (8 bytes big endian each).
uint64_t ComputeClusterId(std::vector<uint64_t> member_ids);

// Hex form used by etcdctl and logs ("8e9e05c52164694d").
std::string MemberIdToHex(uint64_t id);

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_CLUSTER_MEMBER_ID_H_
