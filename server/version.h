// Versions raftkv reports to clients.
#ifndef RAFTKV_SERVER_VERSION_H_
#define RAFTKV_SERVER_VERSION_H_

namespace raftkv::server {

// The etcd server version raftkv is wire-compatible with. Clients read it from
// Maintenance.Status (etcdctl endpoint status) and decide on features by it, so it is
// an etcd version, not raftkv's own.
inline constexpr char kEtcdCompatibleVersion[] = "3.4.0";
inline constexpr char kEtcdClusterVersion[] = "3.4.0";
inline constexpr char kRaftkvVersion[] = "0.1.0";

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_VERSION_H_
