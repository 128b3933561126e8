// alarm list | disarm, as etcdctl does them (clientv3's AlarmList and AlarmDisarm).
#include <iostream>

#include "absl/strings/str_cat.h"
#include "client/endpoint.h"
#include "client/status_util.h"
#include "tools/raftkvctl/commands.h"

namespace raftkv::ctl {
namespace {

absl::StatusOr<etcdserverpb::AlarmResponse> CallAlarm(Context& context,
                                                      const etcdserverpb::AlarmRequest& request) {
  auto endpoint = context.client->ConnectedEndpoint();
  if (!endpoint.ok()) return endpoint.status();
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() + context.client->options().request_timeout);
  etcdserverpb::AlarmResponse response;
  absl::Status status =
      client::FromGrpc((*endpoint)->maintenance().Alarm(&call, request, &response));
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<etcdserverpb::AlarmResponse> ListAlarms(Context& context) {
  etcdserverpb::AlarmRequest request;
  request.set_action(etcdserverpb::AlarmRequest::GET);  // member 0, NONE: every alarm
  return CallAlarm(context, request);
}

// Like clientv3's AlarmDisarm of "every alarm": one deactivation per listed alarm, and a
// response made of the alarms they returned, without a header.
absl::StatusOr<etcdserverpb::AlarmResponse> DisarmAll(Context& context) {
  auto listed = ListAlarms(context);
  if (!listed.ok()) return listed.status();
  etcdserverpb::AlarmResponse disarmed;
  for (const auto& alarm : listed->alarms()) {
    etcdserverpb::AlarmRequest request;
    request.set_action(etcdserverpb::AlarmRequest::DEACTIVATE);
    request.set_memberid(alarm.memberid());
    request.set_alarm(alarm.alarm());
    auto response = CallAlarm(context, request);
    if (!response.ok()) return response.status();
    for (const auto& gone : response->alarms()) *disarmed.add_alarms() = gone;
  }
  return disarmed;
}

// etcdctl prints each alarm with Go's %+v, i.e. the compact text format (trailing space).
void PrintAlarms(const Context& context, const etcdserverpb::AlarmResponse& response) {
  if (context.printer.json()) return context.printer.Json(response);
  for (const auto& alarm : response.alarms()) {
    context.printer.Line(absl::StrCat("memberID:", alarm.memberid(),
                                      " alarm:", etcdserverpb::AlarmType_Name(alarm.alarm()), " "));
  }
}

}  // namespace

int RunAlarm(Context& context) {
  const std::string sub = context.words.empty() ? "" : context.words[0];
  if (context.words.size() != 1 || (sub != "list" && sub != "disarm")) {
    return BadArgs("alarm list | disarm");
  }
  auto response = sub == "list" ? ListAlarms(context) : DisarmAll(context);
  if (!response.ok()) return Fail(response.status());
  PrintAlarms(context, *response);
  return kExitSuccess;
}

}  // namespace raftkv::ctl
