#include "server/alarm/alarm_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "storage/crc32c.h"

namespace raftkv::server::alarm {
namespace {

// File layout: ["RKVALRM1"][crc32c(body): u32 LE][body: AlarmResponse with the alarms].
constexpr char kMagic[] = "RKVALRM1";
constexpr size_t kMagicSize = 8;

absl::Status WriteFileDurably(const std::string& path, const std::string& bytes) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(absl::StrCat("open ", temp, ": ", std::strerror(errno)));
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return absl::InternalError(absl::StrCat("write ", temp, ": ", std::strerror(error)));
    }
    written += size_t(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return absl::InternalError(absl::StrCat("fsync ", temp));
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("rename ", temp, ": ", std::strerror(errno)));
  }
  // The rename itself must survive a crash.
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return absl::OkStatus();
}

}  // namespace

std::string AlarmToString(const etcdserverpb::AlarmMember& alarm) {
  return absl::StrCat("memberID:", alarm.memberid(),
                      " alarm:", etcdserverpb::AlarmType_Name(alarm.alarm()), " ");
}

absl::StatusOr<std::unique_ptr<AlarmStore>> AlarmStore::Open(std::string path) {
  std::unique_ptr<AlarmStore> store(new AlarmStore(std::move(path)));
  if (absl::Status s = store->Load(); !s.ok()) return s;
  return store;
}

absl::Status AlarmStore::Load() {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return absl::OkStatus();  // never persisted: no alarm
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  if (bytes.size() < kMagicSize + 4 || bytes.compare(0, kMagicSize, kMagic) != 0) {
    return absl::DataLossError(absl::StrCat("alarm file ", path_, " is damaged (bad header)"));
  }
  uint32_t crc = 0;
  std::memcpy(&crc, bytes.data() + kMagicSize, sizeof(crc));
  const std::string body = bytes.substr(kMagicSize + 4);
  etcdserverpb::AlarmResponse saved;
  if (storage::crc32c::Value(body) != crc || !saved.ParseFromString(body)) {
    return absl::DataLossError(absl::StrCat("alarm file ", path_, " is damaged (checksum)"));
  }
  for (const auto& alarm : saved.alarms()) alarms_.insert({alarm.memberid(), alarm.alarm()});
  return absl::OkStatus();
}

absl::Status AlarmStore::Persist(const std::set<std::pair<uint64_t, int>>& alarms) const {
  etcdserverpb::AlarmResponse saved;
  for (const auto& [member, type] : alarms) {
    auto* alarm = saved.add_alarms();
    alarm->set_memberid(member);
    alarm->set_alarm(etcdserverpb::AlarmType(type));
  }
  const std::string body = saved.SerializeAsString();
  const uint32_t crc = storage::crc32c::Value(body);
  std::string bytes(kMagic, kMagicSize);
  bytes.append(reinterpret_cast<const char*>(&crc), sizeof(crc));  // little endian hosts
  bytes += body;
  return WriteFileDurably(path_, bytes);
}

absl::StatusOr<etcdserverpb::AlarmResponse> AlarmStore::Apply(
    const etcdserverpb::AlarmRequest& request) {
  etcdserverpb::AlarmResponse response;
  if (request.action() == etcdserverpb::AlarmRequest::GET) {
    for (auto& alarm : List(request.alarm())) *response.add_alarms() = std::move(alarm);
    return response;
  }
  if (request.alarm() == etcdserverpb::NONE) return response;
  std::lock_guard<std::mutex> lock(mu_);
  const std::pair<uint64_t, int> key{request.memberid(), request.alarm()};
  std::set<std::pair<uint64_t, int>> next = alarms_;
  const bool changed = request.action() == etcdserverpb::AlarmRequest::ACTIVATE
                           ? next.insert(key).second
                           : next.erase(key) > 0;
  if (!changed) return response;
  // Persist first: memory never claims a state the disk would not restore.
  if (absl::Status s = Persist(next); !s.ok()) return s;
  alarms_ = std::move(next);
  auto* alarm = response.add_alarms();
  alarm->set_memberid(key.first);
  alarm->set_alarm(etcdserverpb::AlarmType(key.second));
  return response;
}

absl::Status AlarmStore::ReplaceAll(const std::vector<etcdserverpb::AlarmMember>& alarms) {
  std::set<std::pair<uint64_t, int>> next;
  for (const auto& alarm : alarms) {
    if (alarm.alarm() != etcdserverpb::NONE) next.insert({alarm.memberid(), alarm.alarm()});
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (absl::Status s = Persist(next); !s.ok()) return s;
  alarms_ = std::move(next);
  return absl::OkStatus();
}

std::vector<etcdserverpb::AlarmMember> AlarmStore::List(etcdserverpb::AlarmType type) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<etcdserverpb::AlarmMember> out;
  for (const auto& [member, alarm_type] : alarms_) {
    if (type != etcdserverpb::NONE && alarm_type != type) continue;
    etcdserverpb::AlarmMember& alarm = out.emplace_back();
    alarm.set_memberid(member);
    alarm.set_alarm(etcdserverpb::AlarmType(alarm_type));
  }
  return out;
}

bool AlarmStore::Has(etcdserverpb::AlarmType type) const { return !List(type).empty(); }

bool AlarmStore::Empty() const {
  std::lock_guard<std::mutex> lock(mu_);
  return alarms_.empty();
}

}  // namespace raftkv::server::alarm
