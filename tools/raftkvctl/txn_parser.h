// Parses etcdctl's interactive transaction syntax into a TxnBuilder:
//
//   compares (one per line), blank line, success ops, blank line, failure ops
//
//   mod("key1") > "0"            value("k") = "v"      create("k") = "0"
//   version("k") != "2"          lease("k") = "694d5765fc71500b"
//   put key value                get key [--prefix]    del key [--prefix]
#ifndef RAFTKV_TOOLS_RAFTKVCTL_TXN_PARSER_H_
#define RAFTKV_TOOLS_RAFTKVCTL_TXN_PARSER_H_

#include <string>

#include "absl/status/statusor.h"
#include "client/txn_builder.h"

namespace raftkv::ctl {

absl::StatusOr<client::TxnBuilder> ParseTxn(const std::string& text);

}  // namespace raftkv::ctl

#endif  // RAFTKV_TOOLS_RAFTKVCTL_TXN_PARSER_H_
