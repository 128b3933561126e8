#include "server/transport/peer_url.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace raftkv::transport {

absl::StatusOr<std::string> GrpcTargetFromUrl(const std::string& url) {
  absl::string_view rest = url;
  const size_t scheme_end = rest.find("://");
  if (scheme_end != absl::string_view::npos) {
    const absl::string_view scheme = rest.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https") {
      return absl::InvalidArgumentError(
          absl::StrCat("unsupported URL scheme \"", scheme, "\" in peer URL ", url));
    }
    rest.remove_prefix(scheme_end + 3);
  }
  const size_t path_start = rest.find('/');
  if (path_start != absl::string_view::npos) rest = rest.substr(0, path_start);
  if (rest.empty() || absl::EndsWith(rest, ":") || rest.find(':') == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("peer URL needs host:port: ", url));
  }
  return std::string(rest);
}

}  // namespace raftkv::transport
