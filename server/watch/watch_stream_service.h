// etcdserverpb.Watch over gRPC's callback API: each call is a
// WatchStreamReactor; one WatchStreamDriver thread serves every call's idle
// wake-ups and periodic checks.
#ifndef RAFTKV_SERVER_WATCH_WATCH_STREAM_SERVICE_H_
#define RAFTKV_SERVER_WATCH_WATCH_STREAM_SERVICE_H_

#include <memory>

#include "proto/rpc.grpc.pb.h"
#include "server/watch/watch_hub.h"
#include "server/watch/watch_response_fragmenter.h"
#include "server/watch/watch_server_context.h"
#include "server/watch/watch_stream_driver.h"

namespace raftkv::server::watch {

// Raw (byte buffer) callback method: see WatchStreamReactor for why.
class WatchStreamService final
    : public etcdserverpb::Watch::WithRawCallbackMethod_Watch<etcdserverpb::Watch::Service> {
 public:
  // `hub` must outlive the service; the gRPC server must be shut down (every
  // Watch call done) before the service is destroyed.
  WatchStreamService(WatchHub* hub, WatchServerContext context);
  ~WatchStreamService() override;

  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* Watch(
      grpc::CallbackServerContext* context) override;

 private:
  bool RequiresLeader(const grpc::CallbackServerContext& context) const;

  WatchHub* const hub_;
  const WatchServerContext context_;
  WatchStreamDriver driver_;
};

}  // namespace raftkv::server::watch

#endif  // RAFTKV_SERVER_WATCH_WATCH_STREAM_SERVICE_H_
