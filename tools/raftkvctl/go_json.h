// JSON text exactly as Go's encoding/json.Marshal writes it, which is what etcdctl -w json
// prints: compact, object members in insertion order, integers exact (uint64 included), and
// Go's string escaping (<, >, & as \u003c.., control bytes as \u00XX, invalid UTF-8 as \ufffd,
// U+2028/U+2029 escaped). nlohmann's own dump differs on all of those string rules.
#ifndef RAFTKV_TOOLS_RAFTKVCTL_GO_JSON_H_
#define RAFTKV_TOOLS_RAFTKVCTL_GO_JSON_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace raftkv::ctl {

// Object members keep the order they were added in, like the fields of a Go struct.
using GoJson = nlohmann::ordered_json;

std::string GoJsonMarshal(const GoJson& value);

// Go's time.Duration.String() of a duration in nanoseconds ("1.5ms", "830µs", "2.1s"): the
// "took" of etcdctl endpoint health.
std::string GoDurationString(int64_t nanoseconds);

}  // namespace raftkv::ctl

#endif  // RAFTKV_TOOLS_RAFTKVCTL_GO_JSON_H_
