// raftkv-restore: turns a file saved with `etcdctl snapshot save` from raftkv into a
// data dir for a new cluster (raftkv's `etcdctl snapshot restore`).
//
//   raftkv-restore backup.db --data-dir=/var/lib/raftkv/node1
//   raftkv --data-dir=/var/lib/raftkv/node1 --initial-cluster-state=new ...
#include <iostream>
#include <string>

#include "absl/strings/match.h"
#include "server/backup/restore.h"

namespace {

constexpr char kUsage[] = "usage: raftkv-restore <snapshot file> --data-dir=<new data dir>\n";

}  // namespace

int main(int argc, char** argv) {
  std::string backup_path;
  std::string data_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (absl::StartsWith(arg, "--data-dir=")) {
      data_dir = arg.substr(std::string("--data-dir=").size());
    } else if (arg == "--data-dir" && i + 1 < argc) {
      data_dir = argv[++i];
    } else if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (backup_path.empty() && !absl::StartsWith(arg, "-")) {
      backup_path = arg;
    } else {
      std::cerr << "unknown argument " << arg << "\n" << kUsage;
      return 2;
    }
  }
  if (backup_path.empty() || data_dir.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  auto restored = raftkv::server::backup::RestoreDataDir(backup_path, data_dir);
  if (!restored.ok()) {
    std::cerr << "Error: " << restored.status().message() << "\n";
    return 1;
  }
  std::cout << "restored " << backup_path << " into " << data_dir << " (revision "
            << restored->revision << ", " << restored->leases << " leases)\n";
  return 0;
}
