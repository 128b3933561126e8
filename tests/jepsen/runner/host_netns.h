// Each member in its own network namespace, joined to a bridge in the root namespace by a
// veth pair: member i is 10.77.<subnet>.<i+1>/24, the bridge (where clients come from) is
// 10.77.<subnet>.254. The subnet is chosen under a lock file among those no interface on
// the machine uses yet, so that concurrent runs do not collide.
//
// A cut link a–b is a blackhole route to b's address inside a's namespace and to a's inside
// b's: neither can send anything to the other (peer or client port), while the bridge
// address, hence every client, still reaches both. No iptables involved.
//
// Names carry the owner's pid ("rkj<pid>n<k>m<i>" namespaces, "rkj<pid>b<k>" bridge,
// "rkj<pid>v<k>m<i>" host-side veths; k counts instances within the process) so that the
// destructor removes exactly its own and a later run removes those of dead owners.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_HOST_NETNS_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_HOST_NETNS_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/jepsen/runner/host_network.h"

namespace raftkv::jepsen {

class NetnsHosts : public HostNetwork {
 public:
  // Creates the namespaces, veths and bridge and checks that a TCP connection works from the
  // root namespace to a member and between members. Everything created is removed again on
  // error. At most 9 members.
  static absl::StatusOr<std::unique_ptr<NetnsHosts>> Create(int size);
  // Deletes namespaces and links left by processes that no longer exist (SIGKILLed runs).
  static void SweepDeadOwners();

  ~NetnsHosts() override;  // deletes namespaces, veths and bridge
  NetnsHosts(const NetnsHosts&) = delete;
  NetnsHosts& operator=(const NetnsHosts&) = delete;

  std::string Mode() const override { return "netns"; }
  std::string Address(int member) const override;
  std::vector<std::string> LaunchPrefix(int member) const override;
  bool SupportsPartialPartitions() const override { return true; }
  absl::Status Cut(const std::vector<Link>& links) override;
  absl::Status HealAll() override;

  int size() const { return size_; }
  std::string NamespaceName(int member) const;
  std::string BridgeName() const;
  std::string BridgeAddress() const;
  // Runs `body` on a thread that has entered the member's network namespace: sockets it
  // creates belong to that namespace (for tests and the connectivity probe).
  absl::Status RunInNamespace(int member, const std::function<void()>& body) const;

 private:
  NetnsHosts(int size, int instance);
  absl::Status Build();
  absl::Status AddRoute(int in_member, int to_member);
  absl::Status DeleteRoute(int in_member, int to_member);
  absl::Status CheckConnectivity() const;
  std::string VethName(int member) const;

  const int size_;
  const int instance_;
  int subnet_ = -1;  // third octet of 10.77.x.0/24, -1 until chosen
  bool bridge_created_ = false;
  std::vector<int> namespaces_created_;
  std::mutex mu_;
  std::vector<Link> cut_;
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_HOST_NETNS_H_
