#include "tests/cluster/write_load.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace raftkv::cluster_test {

absl::StatusOr<KeyValues> PutKeys(MemberRpc& target, const std::string& prefix, int count,
                                  int threads) {
  std::atomic<int> next{0};
  std::mutex mu;
  absl::Status first_error;
  KeyValues written;
  auto writer = [&] {
    for (int n = next++; n < count; n = next++) {
      const std::string key = absl::StrFormat("%s%06d", prefix, n);
      const std::string value = absl::StrCat("value-", n);
      absl::Status put = target.Put(key, value, std::chrono::seconds(5));
      std::lock_guard<std::mutex> lock(mu);
      if (!put.ok()) {
        if (first_error.ok()) first_error = absl::Status(put.code(), key + ": " + put.ToString());
        next = count;  // stop the other writers too
        return;
      }
      written[key] = value;
    }
  };
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(writer);
  for (auto& t : pool) t.join();
  if (!first_error.ok()) return first_error;
  return written;
}

WriteLoad::WriteLoad(std::vector<MemberRpc*> targets, std::string prefix, int threads)
    : targets_(std::move(targets)), prefix_(std::move(prefix)) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this, i] { Run(i); });
}

void WriteLoad::Stop() {
  stop_ = true;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

KeyValues WriteLoad::Acknowledged() const {
  std::lock_guard<std::mutex> lock(mu_);
  return acknowledged_;
}

void WriteLoad::Run(int thread) {
  for (int seq = 0; !stop_; ++seq) {
    const std::string key = absl::StrFormat("%s%02d-%07d", prefix_, thread, seq);
    const std::string value = absl::StrCat("t", thread, "-s", seq);
    MemberRpc* target = targets_[(thread + seq) % targets_.size()];
    if (target->Put(key, value, std::chrono::seconds(2)).ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      acknowledged_[key] = value;
      ++acknowledged_count_;
    } else {
      ++failed_count_;
      // A dead member fails at once; do not spin on it.
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
}

std::vector<std::string> MissingOrWrong(const KeyValues& expected, const KeyValues& actual,
                                        size_t limit) {
  std::vector<std::string> out;
  for (const auto& [key, value] : expected) {
    auto it = actual.find(key);
    if (it == actual.end()) {
      out.push_back(key + " (missing)");
    } else if (it->second != value) {
      out.push_back(absl::StrCat(key, " (", it->second, " != ", value, ")"));
    }
    if (out.size() >= limit) break;
  }
  return out;
}

absl::Status WaitForKeys(MemberRpc& member, const std::string& prefix, const KeyValues& expected,
                         std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last_problem;
  while (true) {
    auto actual = member.SerializableRangePrefix(prefix);
    if (actual.ok()) {
      std::vector<std::string> wrong = MissingOrWrong(expected, *actual);
      if (wrong.empty()) return absl::OkStatus();
      last_problem = absl::StrCat("member ", member.endpoint(), " holds ", actual->size(), " of ",
                                  expected.size(), " keys under ", prefix, "; e.g. ",
                                  absl::StrJoin(wrong, ", "));
    } else {
      last_problem = absl::StrCat("range on ", member.endpoint(), ": ", actual.status().ToString());
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return absl::DeadlineExceededError(last_problem);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace raftkv::cluster_test
