#include "server/watch/watch_response_fragmenter.h"

#include <utility>

namespace raftkv::server::watch {

using etcdserverpb::WatchResponse;

std::vector<WatchResponse> FragmentWatchResponse(const WatchResponse& response, size_t max_bytes) {
  if (response.ByteSizeLong() < max_bytes || response.events_size() < 2) return {response};
  WatchResponse shell = response;
  shell.clear_events();
  shell.set_fragment(true);
  std::vector<WatchResponse> fragments;
  WatchResponse current = shell;
  for (const mvccpb::Event& event : response.events()) {
    *current.add_events() = event;
    if (current.events_size() > 1 && current.ByteSizeLong() >= max_bytes) {
      current.mutable_events()->RemoveLast();
      fragments.push_back(std::move(current));
      current = shell;
      *current.add_events() = event;
    }
  }
  current.set_fragment(false);
  fragments.push_back(std::move(current));
  return fragments;
}

}  // namespace raftkv::server::watch
