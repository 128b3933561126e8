#include "server/cluster/membership.h"

#include <gtest/gtest.h>

#include "server/cluster/member_id.h"

namespace raftkv::server {
namespace {

TEST(ParseInitialClusterTest, ParsesNamesUrlsAndEtcdIds) {
  auto members = ParseInitialCluster(
      "n1=http://127.0.0.1:2380,n2=http://127.0.0.1:22380,n1=http://10.0.0.1:2380", "tok");
  ASSERT_TRUE(members.ok()) << members.status();
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].name, "n1");
  EXPECT_EQ((*members)[0].peer_urls.size(), 2u);
  EXPECT_EQ((*members)[0].id,
            ComputeMemberId({"http://127.0.0.1:2380", "http://10.0.0.1:2380"}, "tok"));
  EXPECT_EQ((*members)[1].id, ComputeMemberId({"http://127.0.0.1:22380"}, "tok"));
}

TEST(ParseInitialClusterTest, RejectsMalformedEntries) {
  EXPECT_FALSE(ParseInitialCluster("", "t").ok());
  EXPECT_FALSE(ParseInitialCluster("n1", "t").ok());
  EXPECT_FALSE(ParseInitialCluster("n1=localhost", "t").ok());
  EXPECT_FALSE(ParseInitialCluster("=http://a:1", "t").ok());
}

Member MakeMember(uint64_t id, const std::string& url, bool learner = false) {
  Member m;
  m.id = id;
  m.peer_urls = {url};
  m.is_learner = learner;
  return m;
}

TEST(MembershipTest, AddRemovePromoteFollowEtcdErrors) {
  Membership membership(7, {MakeMember(1, "http://a:1")});
  EXPECT_TRUE(membership.Add(MakeMember(2, "http://b:1", true)).ok());
  EXPECT_EQ(membership.Add(MakeMember(2, "http://c:1")).message(),
            "etcdserver: member ID already exist");
  EXPECT_EQ(membership.CheckCanAdd({"http://b:1"}).message(),
            "etcdserver: Peer URLs already exists");
  EXPECT_EQ(membership.CheckCanAdd({"b:1"}).message(), "etcdserver: given member URLs are invalid");
  EXPECT_EQ(membership.Promote(1).message(), "etcdserver: can only promote a learner member");
  EXPECT_TRUE(membership.Promote(2).ok());
  EXPECT_FALSE(membership.Get(2)->is_learner);
  EXPECT_TRUE(membership.Remove(2).ok());
  EXPECT_EQ(membership.Remove(2).message(), "etcdserver: member not found");
  EXPECT_TRUE(membership.IsRemoved(2));
  // A removed ID can never come back (its old log entries could confuse peers).
  EXPECT_EQ(membership.Add(MakeMember(2, "http://b:1")).message(),
            "etcdserver: member ID already exist");
}

TEST(MembershipTest, ProtoRoundTripKeepsEverything) {
  Membership membership(7, {MakeMember(1, "http://a:1"), MakeMember(3, "http://c:1", true)});
  membership.SetAttributes(1, "n1", {"http://a:2379"});
  ASSERT_TRUE(membership.Remove(3).ok());
  Membership copy;
  copy.ReplaceWith(membership.ToProto());
  EXPECT_EQ(copy.cluster_id(), 7u);
  ASSERT_EQ(copy.List().size(), 1u);
  EXPECT_EQ(copy.Get(1)->name, "n1");
  EXPECT_EQ(copy.Get(1)->client_urls, std::vector<std::string>{"http://a:2379"});
  EXPECT_TRUE(copy.IsRemoved(3));
}

}  // namespace
}  // namespace raftkv::server
