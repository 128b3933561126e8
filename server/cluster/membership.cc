#include "server/cluster/membership.h"

#include <algorithm>

#include "absl/strings/str_split.h"
#include "server/cluster/member_id.h"

namespace raftkv::server {
namespace {

constexpr char kMemberExist[] = "etcdserver: member ID already exist";
constexpr char kPeerUrlExist[] = "etcdserver: Peer URLs already exists";
constexpr char kMemberNotFound[] = "etcdserver: member not found";
constexpr char kMemberNotLearner[] = "etcdserver: can only promote a learner member";
constexpr char kBadUrls[] = "etcdserver: given member URLs are invalid";

bool LooksLikeUrl(const std::string& url) {
  return (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) &&
         url.find(':', url.find("//") + 2) != std::string::npos;
}

}  // namespace

absl::StatusOr<std::vector<Member>> ParseInitialCluster(const std::string& initial_cluster,
                                                        const std::string& cluster_token) {
  std::map<std::string, std::vector<std::string>> urls_by_name;
  std::vector<std::string> order;
  for (absl::string_view part : absl::StrSplit(initial_cluster, ',', absl::SkipEmpty())) {
    std::vector<std::string> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
    if (kv.size() != 2 || kv[0].empty() || !LooksLikeUrl(kv[1])) {
      return absl::InvalidArgumentError("invalid --initial-cluster entry \"" + std::string(part) +
                                        "\" (want name=http://host:port)");
    }
    if (!urls_by_name.count(kv[0])) order.push_back(kv[0]);
    urls_by_name[kv[0]].push_back(kv[1]);
  }
  if (order.empty()) return absl::InvalidArgumentError("--initial-cluster is empty");
  std::vector<Member> members;
  for (const std::string& name : order) {
    Member m;
    m.name = name;
    m.peer_urls = urls_by_name[name];
    std::sort(m.peer_urls.begin(), m.peer_urls.end());
    m.id = ComputeMemberId(m.peer_urls, cluster_token);
    members.push_back(m);
  }
  return members;
}

Membership::Membership(uint64_t cluster_id, const std::vector<Member>& members)
    : cluster_id_(cluster_id) {
  for (const Member& m : members) members_[m.id] = m;
}

uint64_t Membership::cluster_id() const {
  absl::MutexLock lock(&mu_);
  return cluster_id_;
}

std::vector<Member> Membership::List() const {
  absl::MutexLock lock(&mu_);
  std::vector<Member> out;
  for (const auto& [id, m] : members_) out.push_back(m);
  return out;
}

std::optional<Member> Membership::Get(uint64_t id) const {
  absl::MutexLock lock(&mu_);
  auto it = members_.find(id);
  if (it == members_.end()) return std::nullopt;
  return it->second;
}

bool Membership::Contains(uint64_t id) const { return Get(id).has_value(); }

bool Membership::IsRemoved(uint64_t id) const {
  absl::MutexLock lock(&mu_);
  return std::find(removed_.begin(), removed_.end(), id) != removed_.end();
}

absl::Status Membership::CheckCanAdd(const std::vector<std::string>& peer_urls) const {
  if (peer_urls.empty()) return absl::InvalidArgumentError(kBadUrls);
  for (const std::string& url : peer_urls) {
    if (!LooksLikeUrl(url)) return absl::InvalidArgumentError(kBadUrls);
  }
  absl::MutexLock lock(&mu_);
  for (const auto& [id, m] : members_) {
    for (const std::string& url : peer_urls) {
      if (std::find(m.peer_urls.begin(), m.peer_urls.end(), url) != m.peer_urls.end()) {
        return absl::FailedPreconditionError(kPeerUrlExist);
      }
    }
  }
  return absl::OkStatus();
}

absl::Status Membership::Add(const Member& member) {
  absl::MutexLock lock(&mu_);
  if (members_.count(member.id) ||
      std::find(removed_.begin(), removed_.end(), member.id) != removed_.end()) {
    return absl::FailedPreconditionError(kMemberExist);
  }
  members_[member.id] = member;
  return absl::OkStatus();
}

absl::Status Membership::Remove(uint64_t id) {
  absl::MutexLock lock(&mu_);
  if (!members_.erase(id)) return absl::NotFoundError(kMemberNotFound);
  removed_.push_back(id);
  return absl::OkStatus();
}

absl::Status Membership::Promote(uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = members_.find(id);
  if (it == members_.end()) return absl::NotFoundError(kMemberNotFound);
  if (!it->second.is_learner) return absl::FailedPreconditionError(kMemberNotLearner);
  it->second.is_learner = false;
  return absl::OkStatus();
}

absl::Status Membership::UpdatePeerUrls(uint64_t id, const std::vector<std::string>& peer_urls) {
  absl::MutexLock lock(&mu_);
  auto it = members_.find(id);
  if (it == members_.end()) return absl::NotFoundError(kMemberNotFound);
  it->second.peer_urls = peer_urls;
  return absl::OkStatus();
}

void Membership::SetAttributes(uint64_t id, const std::string& name,
                               const std::vector<std::string>& client_urls) {
  absl::MutexLock lock(&mu_);
  auto it = members_.find(id);
  if (it == members_.end()) return;  // removed meanwhile: nothing to describe
  it->second.name = name;
  it->second.client_urls = client_urls;
}

peerpb::ClusterInfo Membership::ToProto() const {
  absl::MutexLock lock(&mu_);
  peerpb::ClusterInfo info;
  info.set_cluster_id(cluster_id_);
  for (const auto& [id, m] : members_) {
    peerpb::MemberInfo* out = info.add_members();
    out->set_id(m.id);
    out->set_name(m.name);
    for (const auto& url : m.peer_urls) out->add_peer_urls(url);
    for (const auto& url : m.client_urls) out->add_client_urls(url);
    out->set_is_learner(m.is_learner);
  }
  for (uint64_t id : removed_) info.add_removed_ids(id);
  return info;
}

void Membership::ReplaceWith(const peerpb::ClusterInfo& info) {
  absl::MutexLock lock(&mu_);
  cluster_id_ = info.cluster_id();
  members_.clear();
  for (const peerpb::MemberInfo& in : info.members()) {
    Member m;
    m.id = in.id();
    m.name = in.name();
    m.peer_urls.assign(in.peer_urls().begin(), in.peer_urls().end());
    m.client_urls.assign(in.client_urls().begin(), in.client_urls().end());
    m.is_learner = in.is_learner();
    members_[m.id] = m;
  }
  removed_.assign(info.removed_ids().begin(), info.removed_ids().end());
}

}  // namespace raftkv::server
