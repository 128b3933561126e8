#include "tests/cluster/member_rpc.h"

#include "absl/strings/str_cat.h"

namespace raftkv::cluster_test {
namespace {

absl::Status ToAbsl(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

void SetDeadline(grpc::ClientContext& context, std::chrono::milliseconds timeout) {
  context.set_deadline(std::chrono::system_clock::now() + timeout);
}

}  // namespace

std::string PrefixEnd(const std::string& prefix) {
  std::string end = prefix;
  while (!end.empty()) {
    if (static_cast<unsigned char>(end.back()) < 0xff) {
      end.back() = static_cast<char>(end.back() + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');  // whole key space
}

MemberRpc::MemberRpc(const std::string& endpoint) : endpoint_(endpoint) {
  grpc::ChannelArguments args;
  // A killed member comes back within a second or two; default backoff (up to 120 s)
  // would make the test wait for the channel rather than for the member.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 300);
  channel_ = grpc::CreateCustomChannel(endpoint, grpc::InsecureChannelCredentials(), args);
  kv_ = etcdserverpb::KV::NewStub(channel_);
  maintenance_ = etcdserverpb::Maintenance::NewStub(channel_);
}

absl::Status MemberRpc::Put(const std::string& key, const std::string& value,
                            std::chrono::milliseconds timeout) {
  grpc::ClientContext context;
  SetDeadline(context, timeout);
  etcdserverpb::PutRequest request;
  request.set_key(key);
  request.set_value(value);
  etcdserverpb::PutResponse response;
  return ToAbsl(kv_->Put(&context, request, &response));
}

absl::StatusOr<std::map<std::string, std::string>> MemberRpc::SerializableRangePrefix(
    const std::string& prefix, std::chrono::milliseconds timeout) {
  grpc::ClientContext context;
  SetDeadline(context, timeout);
  etcdserverpb::RangeRequest request;
  request.set_key(prefix);
  request.set_range_end(PrefixEnd(prefix));
  request.set_serializable(true);
  etcdserverpb::RangeResponse response;
  if (absl::Status s = ToAbsl(kv_->Range(&context, request, &response)); !s.ok()) return s;
  std::map<std::string, std::string> out;
  for (const auto& kv : response.kvs()) out[kv.key()] = kv.value();
  return out;
}

absl::StatusOr<etcdserverpb::StatusResponse> MemberRpc::Status(std::chrono::milliseconds timeout) {
  grpc::ClientContext context;
  SetDeadline(context, timeout);
  etcdserverpb::StatusRequest request;
  etcdserverpb::StatusResponse response;
  if (absl::Status s = ToAbsl(maintenance_->Status(&context, request, &response)); !s.ok()) {
    return s;
  }
  return response;
}

}  // namespace raftkv::cluster_test
