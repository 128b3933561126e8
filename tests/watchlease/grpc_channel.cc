#include "tests/watchlease/grpc_channel.h"

namespace raftkv::watchlease_test {

std::shared_ptr<grpc::Channel> FastReconnectChannel(const std::string& endpoint) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 300);
  // Each stream gets its own connection so that streams spread over members really
  // are independent HTTP/2 connections, as separate clients would be.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(endpoint, grpc::InsecureChannelCredentials(), args);
}

}  // namespace raftkv::watchlease_test
