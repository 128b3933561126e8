#include "tests/jepsen/runner/workload_factory.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/jepsen/runner/append_workload.h"
#include "tests/jepsen/runner/lock_workload.h"
#include "tests/jepsen/runner/register_workload.h"
#include "tests/jepsen/runner/registration_workload.h"
#include "tests/jepsen/runner/watch_workload.h"

namespace raftkv::jepsen {

const std::vector<std::string>& AllWorkloadNames() {
  static const std::vector<std::string> kNames = {"register", "watch", "append", "lock",
                                                  "registration"};
  return kNames;
}

absl::StatusOr<std::unique_ptr<Workload>> MakeWorkload(const std::string& name,
                                                       JepsenCluster* cluster,
                                                       const WorkloadSettings& settings) {
  if (name == "register") {
    RegisterWorkloadOptions options;
    options.serializable_reads = settings.serializable_reads;
    options.seed = settings.seed;
    return std::make_unique<RegisterWorkload>(cluster, options);
  }
  if (name == "watch") return std::make_unique<WatchWorkload>(cluster, WatchWorkloadOptions());
  if (name == "append") {
    AppendWorkloadOptions options;
    options.seed = settings.seed;
    return std::make_unique<AppendWorkload>(cluster, options);
  }
  if (name == "lock") {
    LockWorkloadOptions options;
    options.seed = settings.seed;
    return std::make_unique<LockWorkload>(cluster, options);
  }
  if (name == "registration") {
    RegistrationWorkloadOptions options;
    options.seed = settings.seed;
    return std::make_unique<RegistrationWorkload>(cluster, options);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown workload \"", name, "\" (known: ", absl::StrJoin(AllWorkloadNames(), ","), ")"));
}

}  // namespace raftkv::jepsen
