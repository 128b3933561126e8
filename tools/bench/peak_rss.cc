#include "tools/bench/peak_rss.h"

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace raftkv::bench {

absl::StatusOr<int64_t> ParseVmHwmKib(const std::string& status_text) {
  for (absl::string_view line : absl::StrSplit(status_text, '\n')) {
    if (!absl::ConsumePrefix(&line, "VmHWM:")) continue;
    line = absl::StripAsciiWhitespace(line);
    absl::ConsumeSuffix(&line, "kB");
    int64_t kib = 0;
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &kib)) {
      return absl::DataLossError(absl::StrCat("unparsable VmHWM line: ", line));
    }
    return kib;
  }
  return absl::NotFoundError("no VmHWM line");
}

absl::StatusOr<int64_t> PeakRssKib(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  if (!in) return absl::NotFoundError(absl::StrCat("no process ", pid));
  std::stringstream text;
  text << in.rdbuf();
  return ParseVmHwmKib(text.str());
}

}  // namespace raftkv::bench
