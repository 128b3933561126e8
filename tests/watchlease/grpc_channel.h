// gRPC channels for watch/lease tests: short reconnect backoff, because members are
// killed and restarted within a test and default backoff (up to 120 s) would make the
// test wait for the channel rather than for the member.
#ifndef RAFTKV_TESTS_WATCHLEASE_GRPC_CHANNEL_H_
#define RAFTKV_TESTS_WATCHLEASE_GRPC_CHANNEL_H_

#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"

namespace raftkv::watchlease_test {

std::shared_ptr<grpc::Channel> FastReconnectChannel(const std::string& endpoint);

}  // namespace raftkv::watchlease_test

#endif  // RAFTKV_TESTS_WATCHLEASE_GRPC_CHANNEL_H_
