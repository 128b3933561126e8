#ifndef RAFTKV_TOOLS_BENCH_WORKLOADS_UNARY_CALL_H_
#define RAFTKV_TOOLS_BENCH_WORKLOADS_UNARY_CALL_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tools/bench/workload.h"

namespace raftkv::bench {

// The state of one in-flight unary callback RPC. It must outlive the call, so
// it is shared with (and released by) the completion callback.
template <typename Request, typename Response>
struct UnaryCall : std::enable_shared_from_this<UnaryCall<Request, Response>> {
  grpc::ClientContext context;
  Request request;
  Response response;

  // A gRPC completion that reports the status to `done`, after an optional
  // check of the response (returning a non-OK status counts the op as failed).
  std::function<void(grpc::Status)> Completion(
      OpDone done, std::function<absl::Status(const Response&)> check = nullptr) {
    auto self = this->shared_from_this();
    return [self, done = std::move(done), check = std::move(check)](grpc::Status status) {
      if (!status.ok()) {
        done(absl::UnknownError(absl::StrCat("gRPC code ", static_cast<int>(status.error_code()),
                                             ": ", status.error_message())));
      } else if (check) {
        done(check(self->response));
      } else {
        done(absl::OkStatus());
      }
    };
  }
};

}  // namespace raftkv::bench

#endif  // RAFTKV_TOOLS_BENCH_WORKLOADS_UNARY_CALL_H_
