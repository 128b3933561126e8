#include "storage/revision.h"

#include "absl/status/status.h"

namespace raftkv::storage {
namespace {

void AppendBigEndian64(uint64_t value, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

uint64_t ReadBigEndian64(std::string_view bytes) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return value;
}

}  // namespace

std::string EncodeRevision(Revision revision) {
  std::string out;
  out.reserve(kEncodedRevisionSize);
  AppendBigEndian64(static_cast<uint64_t>(revision.main), &out);
  out.push_back('_');
  AppendBigEndian64(static_cast<uint64_t>(revision.sub), &out);
  return out;
}

absl::StatusOr<Revision> DecodeRevision(std::string_view bytes) {
  if (bytes.size() != kEncodedRevisionSize || bytes[8] != '_') {
    return absl::DataLossError("mvcc: malformed revision key in the database");
  }
  return Revision{static_cast<int64_t>(ReadBigEndian64(bytes.substr(0, 8))),
                  static_cast<int64_t>(ReadBigEndian64(bytes.substr(9, 8)))};
}

}  // namespace raftkv::storage
