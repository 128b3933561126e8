#ifndef RAFTKV_TOOLS_BENCH_PEAK_RSS_H_
#define RAFTKV_TOOLS_BENCH_PEAK_RSS_H_

#include <cstdint>

#include "absl/status/statusor.h"

namespace raftkv::bench {

// The peak resident set size of process `pid` in KiB (VmHWM in
// /proc/<pid>/status): the high-water mark over the process's whole life.
absl::StatusOr<int64_t> PeakRssKib(int pid);

// Parses the VmHWM line out of the text of a /proc/<pid>/status file.
absl::StatusOr<int64_t> ParseVmHwmKib(const std::string& status_text);

}  // namespace raftkv::bench

#endif  // RAFTKV_TOOLS_BENCH_PEAK_RSS_H_
