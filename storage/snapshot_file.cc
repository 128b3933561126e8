#include "storage/snapshot_file.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spdlog/spdlog.h"
#include "storage/crc32c.h"

namespace raftkv::storage {
namespace {

constexpr absl::string_view kMagic = "RKVSNAP1";
constexpr absl::string_view kSnapSuffix = ".snap";
constexpr absl::string_view kTempSuffix = ".tmp";
constexpr size_t kFixedHeaderSize = 8 + 4 + 4;  // magic, meta length, meta crc
constexpr size_t kTrailerSize = 8 + 4;          // data length, file crc
// Metadata is a few ids; anything bigger means a damaged length field.
constexpr uint32_t kMaxMetadataSize = 64 << 20;

void PutFixed(uint64_t v, int bytes, std::string* out) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

uint64_t GetFixed(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

bool ParseSnapName(const std::string& name, uint64_t* term, uint64_t* index) {
  if (name.size() != 16 + 1 + 16 + kSnapSuffix.size() || !absl::EndsWith(name, kSnapSuffix))
    return false;
  for (size_t i = 0; i < 33; ++i) {
    const char c = name[i];
    const bool ok = i == 16 ? c == '-' : ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    if (!ok) return false;
  }
  return std::sscanf(name.c_str(), "%16" SCNx64 "-%16" SCNx64, term, index) == 2;
}

absl::Status Damaged(const std::string& path, absl::string_view what) {
  return absl::DataLossError(absl::StrCat("snapshot file ", path, " is damaged: ", what));
}

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::string SnapshotFilePath(const std::string& dir, uint64_t term, uint64_t index) {
  return JoinPath(dir, absl::StrFormat("%016x-%016x.snap", term, index));
}

// ---- SnapshotWriter ----

SnapshotWriter::SnapshotWriter(FileSystem* fs, std::string temp_path, std::string final_path,
                               std::unique_ptr<WritableFile> file)
    : fs_(fs),
      temp_path_(std::move(temp_path)),
      final_path_(std::move(final_path)),
      file_(std::move(file)) {}

SnapshotWriter::~SnapshotWriter() {
  if (finished_) return;
  if (file_ != nullptr) (void)file_->Close();
  (void)fs_->RemoveFile(temp_path_);
}

absl::StatusOr<std::unique_ptr<SnapshotWriter>> SnapshotWriter::Create(
    const std::string& dir, const raftpb::SnapshotMetadata& metadata, FileSystem* fs) {
  const std::string final_path = SnapshotFilePath(dir, metadata.term(), metadata.index());
  const std::string temp_path = absl::StrCat(final_path, kTempSuffix);
  auto file = fs->NewWritableFile(temp_path);
  if (!file.ok()) return file.status();
  std::unique_ptr<SnapshotWriter> writer(
      new SnapshotWriter(fs, temp_path, final_path, *std::move(file)));
  const std::string meta = metadata.SerializeAsString();
  std::string header(kMagic);
  PutFixed(meta.size(), 4, &header);
  PutFixed(crc32c::Value(meta), 4, &header);
  header += meta;
  absl::Status s = writer->Write(header);
  if (!s.ok()) return s;
  return writer;
}

absl::Status SnapshotWriter::Write(absl::string_view bytes) {
  if (failed_ || finished_) return absl::FailedPreconditionError("snapshot writer is done");
  absl::Status s = file_->Append(bytes);
  if (!s.ok()) {
    failed_ = true;
    return s;
  }
  crc_ = crc32c::Extend(crc_, bytes);
  return absl::OkStatus();
}

absl::Status SnapshotWriter::Append(absl::string_view chunk) {
  absl::Status s = Write(chunk);
  if (s.ok()) data_size_ += chunk.size();
  return s;
}

absl::StatusOr<std::string> SnapshotWriter::Finish() {
  std::string length;
  PutFixed(data_size_, 8, &length);
  absl::Status s = Write(length);
  if (!s.ok()) return s;
  std::string crc;
  PutFixed(crc_, 4, &crc);
  s = file_->Append(crc);
  if (s.ok()) s = file_->Sync();
  if (s.ok()) s = file_->Close();
  if (s.ok()) s = fs_->RenameFile(temp_path_, final_path_);
  if (!s.ok()) {
    failed_ = true;
    return s;
  }
  file_.reset();
  finished_ = true;
  s = fs_->SyncDir(DirOf(final_path_));
  if (!s.ok()) return s;
  return final_path_;
}

// ---- SnapshotReader ----

SnapshotReader::SnapshotReader(std::string path, std::unique_ptr<SequentialFile> file)
    : path_(std::move(path)), file_(std::move(file)) {}

absl::Status SnapshotReader::ReadExactly(size_t n, std::string* out) {
  out->resize(n);
  size_t got = 0;
  while (got < n) {
    auto r = file_->Read(n - got, &(*out)[got]);
    if (!r.ok()) return r.status();
    if (*r == 0) return Damaged(path_, "unexpected end of file");
    got += *r;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<SnapshotReader>> SnapshotReader::Open(const std::string& path,
                                                                     FileSystem* fs) {
  auto size = fs->FileSize(path);
  if (!size.ok()) return size.status();
  auto file = fs->NewSequentialFile(path);
  if (!file.ok()) return file.status();
  std::unique_ptr<SnapshotReader> reader(new SnapshotReader(path, *std::move(file)));
  if (*size < kFixedHeaderSize + kTrailerSize) return Damaged(path, "too short");
  std::string header;
  absl::Status s = reader->ReadExactly(kFixedHeaderSize, &header);
  if (!s.ok()) return s;
  if (absl::string_view(header).substr(0, kMagic.size()) != kMagic) {
    return Damaged(path, "bad magic");
  }
  const uint32_t meta_size = static_cast<uint32_t>(GetFixed(&header[8], 4));
  const uint32_t meta_crc = static_cast<uint32_t>(GetFixed(&header[12], 4));
  if (meta_size > kMaxMetadataSize || kFixedHeaderSize + meta_size + kTrailerSize > *size) {
    return Damaged(path, "bad metadata length");
  }
  std::string meta;
  s = reader->ReadExactly(meta_size, &meta);
  if (!s.ok()) return s;
  if (crc32c::Value(meta) != meta_crc) return Damaged(path, "metadata crc mismatch");
  if (!reader->metadata_.ParseFromString(meta)) return Damaged(path, "unparsable metadata");
  reader->crc_ = crc32c::Extend(crc32c::Value(header), meta);
  reader->data_size_ = *size - kFixedHeaderSize - meta_size - kTrailerSize;
  return reader;
}

absl::StatusOr<bool> SnapshotReader::Next(std::string* chunk, size_t max_chunk) {
  if (done_) return false;
  const uint64_t remaining = data_size_ - data_read_;
  if (remaining == 0) {
    absl::Status s = VerifyTrailer();
    if (!s.ok()) return s;
    done_ = true;
    chunk->clear();
    return false;
  }
  const size_t n =
      static_cast<size_t>(std::min<uint64_t>(remaining, std::max<size_t>(max_chunk, 1)));
  absl::Status s = ReadExactly(n, chunk);
  if (!s.ok()) return s;
  crc_ = crc32c::Extend(crc_, *chunk);
  data_read_ += n;
  return true;
}

absl::Status SnapshotReader::VerifyTrailer() {
  std::string trailer;
  absl::Status s = ReadExactly(kTrailerSize, &trailer);
  if (!s.ok()) return s;
  if (GetFixed(trailer.data(), 8) != data_size_) return Damaged(path_, "data length mismatch");
  crc_ = crc32c::Extend(crc_, trailer.data(), 8);
  if (static_cast<uint32_t>(GetFixed(trailer.data() + 8, 4)) != crc_) {
    return Damaged(path_, "crc mismatch");
  }
  return absl::OkStatus();
}

// ---- Whole-file helpers and directory management ----

absl::StatusOr<std::string> SaveSnapshotFile(const std::string& dir,
                                             const raftpb::SnapshotMetadata& metadata,
                                             absl::string_view data, FileSystem* fs) {
  auto writer = SnapshotWriter::Create(dir, metadata, fs);
  if (!writer.ok()) return writer.status();
  absl::Status s = (*writer)->Append(data);
  if (!s.ok()) return s;
  return (*writer)->Finish();
}

absl::StatusOr<std::string> ReadSnapshotFile(const std::string& path,
                                             raftpb::SnapshotMetadata* metadata, FileSystem* fs) {
  auto reader = SnapshotReader::Open(path, fs);
  if (!reader.ok()) return reader.status();
  std::string data, chunk;
  data.reserve((*reader)->data_size());
  while (true) {
    auto more = (*reader)->Next(&chunk);
    if (!more.ok()) return more.status();
    if (!*more) break;
    data += chunk;
  }
  if (metadata != nullptr) *metadata = (*reader)->metadata();
  return data;
}

absl::Status VerifySnapshotFile(const std::string& path, FileSystem* fs) {
  auto reader = SnapshotReader::Open(path, fs);
  if (!reader.ok()) return reader.status();
  std::string chunk;
  while (true) {
    auto more = (*reader)->Next(&chunk);
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
  }
}

absl::StatusOr<std::vector<SnapshotFileInfo>> ListSnapshotFiles(const std::string& dir,
                                                                FileSystem* fs) {
  auto names = fs->ListDir(dir);
  if (!names.ok()) return names.status();
  std::vector<SnapshotFileInfo> files;
  for (const std::string& name : *names) {
    SnapshotFileInfo info;
    if (ParseSnapName(name, &info.term, &info.index)) {
      info.path = JoinPath(dir, name);
      files.push_back(std::move(info));
    }
  }
  std::sort(files.begin(), files.end(), [](const SnapshotFileInfo& a, const SnapshotFileInfo& b) {
    return a.index != b.index ? a.index > b.index : a.term > b.term;
  });
  return files;
}

absl::StatusOr<SnapshotFileInfo> LoadNewestSnapshot(const std::string& dir,
                                                    std::vector<std::string>* skipped,
                                                    FileSystem* fs) {
  auto files = ListSnapshotFiles(dir, fs);
  if (!files.ok()) return files.status();
  for (const SnapshotFileInfo& file : *files) {
    absl::Status s = VerifySnapshotFile(file.path, fs);
    if (s.ok()) return file;
    spdlog::warn("snapshot: skipping {}: {}", file.path, s.ToString());
    if (skipped != nullptr) skipped->push_back(absl::StrCat(file.path, ": ", s.message()));
  }
  return absl::NotFoundError(absl::StrCat("snapshot: no usable snapshot file in ", dir));
}

absl::Status PruneSnapshotFiles(const std::string& dir, size_t keep, FileSystem* fs) {
  auto names = fs->ListDir(dir);
  if (!names.ok()) return names.status();
  bool removed = false;
  for (const std::string& name : *names) {
    if (absl::EndsWith(name, absl::StrCat(kSnapSuffix, kTempSuffix))) {
      absl::Status s = fs->RemoveFile(JoinPath(dir, name));
      if (!s.ok()) return s;
      removed = true;
    }
  }
  auto files = ListSnapshotFiles(dir, fs);
  if (!files.ok()) return files.status();
  for (size_t i = keep; i < files->size(); ++i) {
    absl::Status s = fs->RemoveFile((*files)[i].path);
    if (!s.ok()) return s;
    removed = true;
  }
  return removed ? fs->SyncDir(dir) : absl::OkStatus();
}

}  // namespace raftkv::storage
