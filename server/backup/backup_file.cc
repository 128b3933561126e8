#include "server/backup/backup_file.h"

#include <openssl/evp.h>

#include <cstring>
#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"

namespace raftkv::server::backup {
namespace {

constexpr char kMagic[] = "RKVBAK01";
constexpr size_t kMagicSize = 8;
constexpr size_t kHeaderSize = kMagicSize + sizeof(uint64_t);
constexpr uint64_t kAlignment = 512;

absl::Status Damaged(const std::string& path, const std::string& why) {
  return absl::DataLossError(
      absl::StrCat("backup ", path, " is not a usable raftkv snapshot (", why, ")"));
}

}  // namespace

struct Sha256::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr);
}

Sha256::~Sha256() = default;

void Sha256::Update(std::string_view bytes) {
  EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size());
}

std::string Sha256::Finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(impl_->ctx, digest, &size);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string BackupPrefix(uint64_t payload_size) {
  std::string prefix(kMagic, kMagicSize);
  prefix.append(reinterpret_cast<const char*>(&payload_size), sizeof(payload_size));  // LE hosts
  return prefix;
}

size_t BackupPaddingSize(uint64_t payload_size) {
  const uint64_t unpadded = kHeaderSize + payload_size;
  return size_t((kAlignment - unpadded % kAlignment) % kAlignment);
}

uint64_t BackupBodySize(uint64_t payload_size) {
  return kHeaderSize + payload_size + BackupPaddingSize(payload_size);
}

absl::Status ExtractPayload(const std::string& backup_path, const std::string& payload_path) {
  std::ifstream in(backup_path, std::ios::binary | std::ios::ate);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open backup ", backup_path));
  const uint64_t file_size = uint64_t(in.tellg());
  if (file_size < kHeaderSize + kSha256Size || (file_size - kSha256Size) % kAlignment != 0) {
    return Damaged(backup_path, "unexpected size");
  }
  const uint64_t body_size = file_size - kSha256Size;
  in.seekg(0);
  std::string header(kHeaderSize, '\0');
  in.read(header.data(), kHeaderSize);
  if (!in || header.compare(0, kMagicSize, kMagic) != 0) return Damaged(backup_path, "bad header");
  uint64_t payload_size = 0;
  std::memcpy(&payload_size, header.data() + kMagicSize, sizeof(payload_size));
  if (payload_size > body_size || BackupBodySize(payload_size) != body_size) {
    return Damaged(backup_path, "bad payload length");
  }

  std::ofstream out(payload_path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::InternalError(absl::StrCat("cannot create ", payload_path));
  Sha256 sha;
  sha.Update(header);
  std::vector<char> buffer(1 << 20);
  uint64_t remaining = body_size - kHeaderSize;
  uint64_t payload_left = payload_size;
  while (remaining > 0) {
    const size_t n = size_t(std::min<uint64_t>(remaining, buffer.size()));
    in.read(buffer.data(), std::streamsize(n));
    if (!in) return Damaged(backup_path, "truncated");
    sha.Update(std::string_view(buffer.data(), n));
    const size_t payload_part = size_t(std::min<uint64_t>(payload_left, n));
    out.write(buffer.data(), std::streamsize(payload_part));
    payload_left -= payload_part;
    remaining -= n;
  }
  std::string digest(kSha256Size, '\0');
  in.read(digest.data(), kSha256Size);
  if (!in || digest != sha.Finish()) return Damaged(backup_path, "sha256 mismatch");
  out.flush();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", payload_path));
  return absl::OkStatus();
}

}  // namespace raftkv::server::backup
