// gtest fixture: a fresh three-member raftkv cluster per test, with its leader known.
#ifndef RAFTKV_TESTS_CLUSTER_THREE_MEMBER_CLUSTER_TEST_H_
#define RAFTKV_TESTS_CLUSTER_THREE_MEMBER_CLUSTER_TEST_H_

#include <chrono>
#include <memory>

#include "gtest/gtest.h"
#include "tests/cluster/raftkv_cluster.h"

namespace raftkv::cluster_test {

class ThreeMemberClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = RaftkvCluster::Start(ClusterOptions{});
    ASSERT_TRUE(started.ok()) << started.status();
    cluster_ = *std::move(started);
    leader_ = cluster_->WaitForLeader(std::chrono::seconds(10));
    ASSERT_GE(leader_, 0);
  }

  std::unique_ptr<RaftkvCluster> cluster_;
  int leader_ = -1;
};

}  // namespace raftkv::cluster_test

#endif  // RAFTKV_TESTS_CLUSTER_THREE_MEMBER_CLUSTER_TEST_H_
