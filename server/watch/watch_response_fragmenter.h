// Splitting of large watch responses for watches created with fragment=true.
#ifndef RAFTKV_SERVER_WATCH_WATCH_RESPONSE_FRAGMENTER_H_
#define RAFTKV_SERVER_WATCH_WATCH_RESPONSE_FRAGMENTER_H_

#include <cstddef>
#include <vector>

#include "proto/rpc.pb.h"

namespace raftkv::server::watch {

// Splits a response into fragments no larger than max_bytes where possible
// (one event per fragment at least); every fragment but the last has
// fragment=true. Responses under the limit or with < 2 events stay whole.
std::vector<etcdserverpb::WatchResponse> FragmentWatchResponse(
    const etcdserverpb::WatchResponse& response, size_t max_bytes);

}  // namespace raftkv::server::watch

#endif  // RAFTKV_SERVER_WATCH_WATCH_RESPONSE_FRAGMENTER_H_
