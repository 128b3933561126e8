// get, put, del, txn, watch, compaction.
#include <iostream>
#include <iterator>
#include <thread>

#include "absl/strings/numbers.h"
#include "client/kv.h"
#include "client/watcher.h"
#include "tools/raftkvctl/commands.h"
#include "tools/raftkvctl/etcdctl_json.h"
#include "tools/raftkvctl/txn_parser.h"

namespace raftkv::ctl {
namespace {

// --prefix / --from-key, or an explicit range end as second word.
absl::StatusOr<client::KeyRange> RangeFlags(const Context& context) {
  client::KeyRange range;
  range.prefix = context.args.Has("prefix");
  range.from_key = context.args.Has("from-key");
  if (context.words.size() > 1) range.range_end = context.words[1];
  return range;
}

absl::StatusOr<client::GetOptions> GetFlags(const Context& context) {
  client::GetOptions options;
  auto range = RangeFlags(context);
  if (!range.ok()) return range.status();
  options.range = *range;
  const Args& args = context.args;
  for (auto [flag, field] : {std::pair{"limit", &options.limit},
                             {"rev", &options.revision},
                             {"min-mod-rev", &options.min_mod_revision},
                             {"max-mod-rev", &options.max_mod_revision},
                             {"min-create-rev", &options.min_create_revision},
                             {"max-create-rev", &options.max_create_revision}}) {
    auto value = args.GetInt(flag, 0);
    if (!value.ok()) return value.status();
    *field = *value;
  }
  options.keys_only = args.Has("keys-only");
  options.count_only = args.Has("count-only");
  options.serializable = args.Get("consistency", "l") == "s";
  const std::string order = args.Get("order");
  if (order == "ASCEND") options.sort_order = etcdserverpb::RangeRequest::ASCEND;
  if (order == "DESCEND") options.sort_order = etcdserverpb::RangeRequest::DESCEND;
  const std::string target = args.Get("sort-by");
  if (!target.empty() && options.sort_order == etcdserverpb::RangeRequest::NONE) {
    options.sort_order = etcdserverpb::RangeRequest::ASCEND;
  }
  if (target == "CREATE") options.sort_target = etcdserverpb::RangeRequest::CREATE;
  if (target == "MODIFY") options.sort_target = etcdserverpb::RangeRequest::MOD;
  if (target == "VALUE") options.sort_target = etcdserverpb::RangeRequest::VALUE;
  if (target == "VERSION") options.sort_target = etcdserverpb::RangeRequest::VERSION;
  return options;
}

void PrintWatchJson(const Context& context, const client::WatchResponse& response) {
  WatchJsonInput json{response.header, response.events, response.compact_revision,
                      response.canceled};
  context.printer.Json(WatchJson(json));
}

}  // namespace

int RunGet(Context& context) {
  if (context.words.empty()) return BadArgs("get <key> [range_end] [--prefix] [--from-key] ...");
  auto options = GetFlags(context);
  if (!options.ok()) return Fail(options.status());
  const std::string& key = context.words[0];
  auto response = context.client->kv().Get(key, *options);
  if (!response.ok()) return Fail(response.status());
  if (options->keys_only && !context.printer.json()) {
    for (const auto& kv : response->kvs()) std::cout << kv.key() << "\n";
    return kExitSuccess;
  }
  context.printer.Range(*response);
  return kExitSuccess;
}

int RunPut(Context& context) {
  std::vector<std::string>& words = context.words;
  if (words.size() == 1 && !context.args.Has("ignore-value")) {
    // Like etcdctl: the value may come from stdin.
    words.emplace_back(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  if (words.empty()) return BadArgs("put <key> <value> [--lease=<id>] [--prev-kv]");
  client::PutOptions options;
  auto lease = context.args.GetInt("lease", 0);
  if (!lease.ok()) return Fail(lease.status());
  options.lease = *lease;
  options.prev_kv = context.args.Has("prev-kv");
  options.ignore_value = context.args.Has("ignore-value");
  options.ignore_lease = context.args.Has("ignore-lease");
  auto response = context.client->kv().Put(words[0], words.size() > 1 ? words[1] : "", options);
  if (!response.ok()) return Fail(response.status());
  context.printer.Put(*response);
  return kExitSuccess;
}

int RunDel(Context& context) {
  if (context.words.empty()) return BadArgs("del <key> [range_end] [--prefix] [--prev-kv]");
  client::DeleteOptions options;
  auto range = RangeFlags(context);
  if (!range.ok()) return Fail(range.status());
  options.range = *range;
  options.prev_kv = context.args.Has("prev-kv");
  const std::string& key = context.words[0];
  auto response = context.client->kv().Delete(key, options);
  if (!response.ok()) return Fail(response.status());
  context.printer.Delete(*response);
  return kExitSuccess;
}

int RunTxn(Context& context) {
  std::string text(std::istreambuf_iterator<char>(std::cin), {});
  auto txn = ParseTxn(text);
  if (!txn.ok()) {
    std::cerr << "Error: " << txn.status().message() << std::endl;
    return kExitInvalidInput;
  }
  auto response = context.client->kv().Txn(*txn);
  if (!response.ok()) return Fail(response.status());
  context.printer.Txn(*response);
  return kExitSuccess;
}

int RunWatch(Context& context) {
  if (context.words.empty()) return BadArgs("watch <key> [range_end] [--prefix] [--rev=N]");
  client::WatchOptions options;
  auto range = RangeFlags(context);
  if (!range.ok()) return Fail(range.status());
  options.range = *range;
  auto rev = context.args.GetInt("rev", 0);
  if (!rev.ok()) return Fail(rev.status());
  options.start_revision = *rev;
  options.prev_kv = context.args.Has("prev-kv");
  auto stream = context.client->watcher().Open(context.words[0], options);
  while (!g_interrupted) {
    auto response = stream->Next(std::chrono::milliseconds(200));
    if (!response) continue;
    // etcdctl's order and words: the reason, the response itself, then the exit.
    if (response->compact_revision != 0) {
      std::cerr << "watch was canceled (etcdserver: mvcc: required revision has been compacted)"
                << std::endl;
    } else if (response->canceled) {
      std::cerr << "watch was canceled (" << response->cancel_reason << ")" << std::endl;
    }
    if (context.printer.json()) {
      PrintWatchJson(context, *response);
    } else {
      for (const auto& event : response->events) context.printer.Event(event);
    }
    if (response->Terminal()) {
      std::cerr << "Error: watch is canceled by the server" << std::endl;
      return kExitInterrupted;
    }
  }
  return kExitInterrupted;
}

int RunCompaction(Context& context) {
  int64_t revision;
  if (context.words.size() != 1 || !absl::SimpleAtoi(context.words[0], &revision)) {
    return BadArgs("compaction <revision> [--physical]");
  }
  auto response = context.client->kv().Compact(revision, context.args.Has("physical"));
  if (!response.ok()) return Fail(response.status());
  // etcdctl prints this line whatever the output format.
  context.printer.Line("compacted revision " + std::to_string(revision));
  return kExitSuccess;
}

}  // namespace raftkv::ctl
