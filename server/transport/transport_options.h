#ifndef RAFTKV_SERVER_TRANSPORT_TRANSPORT_OPTIONS_H_
#define RAFTKV_SERVER_TRANSPORT_TRANSPORT_OPTIONS_H_

#include <chrono>
#include <cstddef>

namespace raftkv::transport {

struct PeerTransportOptions {
  // Messages waiting for one peer beyond this are dropped (Raft retransmits).
  size_t max_queued_messages_per_peer = 4096;
  // A MessageBatch stops growing past this many bytes (one message always fits).
  size_t max_batch_bytes = 4 << 20;
  // Delay before reopening a broken stream: doubles from min to max, reset after a good write.
  std::chrono::milliseconds min_backoff{50};
  std::chrono::milliseconds max_backoff{1000};
  // Queued messages are dropped (and OnUnreachable reported) when the peer has not become
  // reachable within this long: stale heartbeats and appends are worse than none.
  std::chrono::milliseconds connect_timeout{1000};
  // HTTP/2 keepalive pings notice a dead peer within keepalive_time + keepalive_timeout.
  std::chrono::milliseconds keepalive_time{1000};
  std::chrono::milliseconds keepalive_timeout{2000};
  size_t snapshot_chunk_bytes = 1 << 20;
};

}  // namespace raftkv::transport

#endif  // RAFTKV_SERVER_TRANSPORT_TRANSPORT_OPTIONS_H_
