#include "tests/jepsen/checker/register_simulation.h"

#include <map>
#include <random>
#include <string>

#include "tests/jepsen/checker/history.h"

namespace raftkv::jepsen {
namespace {

enum class Phase { kIdle, kInFlight, kApplied };

struct Client {
  Phase phase = Phase::kIdle;
  int64_t op_id = -1;
  OpType type = OpType::kRead;
  std::string key;
  std::vector<Value> input;
  Outcome outcome = Outcome::kOk;
  std::vector<Value> output;
};

class Simulation {
 public:
  explicit Simulation(const RegisterSimulationOptions& options)
      : options_(options), rng_(options.seed), clients_(options.processes) {}

  std::vector<Operation> Run() {
    std::uniform_int_distribution<int> pick(0, options_.processes - 1);
    while (invoked_ < options_.operations || Busy()) {
      const int process = pick(rng_);
      Advance(process, &clients_[process]);
    }
    return history_.Operations();
  }

 private:
  bool Busy() const {
    for (const Client& c : clients_) {
      if (c.phase != Phase::kIdle) return true;
    }
    return false;
  }

  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  std::string NewValue() { return "v" + std::to_string(next_value_++); }

  void Advance(int process, Client* client) {
    switch (client->phase) {
      case Phase::kIdle:
        if (invoked_ < options_.operations) Invoke(process, client);
        return;
      case Phase::kInFlight:
        TakeEffect(client);
        return;
      case Phase::kApplied:
        (void)history_.Complete(client->op_id, client->outcome, client->output);
        client->phase = Phase::kIdle;
        return;
    }
  }

  void Invoke(int process, Client* client) {
    ++invoked_;
    client->key =
        "k" + std::to_string(std::uniform_int_distribution<int>(0, options_.keys - 1)(rng_));
    const int kind = std::uniform_int_distribution<int>(0, 9)(rng_);
    client->type = kind < 5 ? OpType::kRead : kind < 8 ? OpType::kWrite : OpType::kCas;
    client->input.clear();
    if (client->type == OpType::kWrite) client->input = {NewValue()};
    if (client->type == OpType::kCas) {
      // Mostly expect the current value so that many swaps succeed.
      const Value expected = Chance(0.7) ? registers_[client->key] : Value(NewValue());
      client->input = {expected, NewValue()};
    }
    client->op_id = history_.Invoke(process, client->key, client->type, client->input);
    client->phase = Phase::kInFlight;
  }

  // The instant the op takes effect on the real register (or is lost / rejected).
  void TakeEffect(Client* client) {
    client->output.clear();
    if (Chance(options_.info_probability)) {
      if (Chance(0.5)) Apply(client);
      (void)history_.Complete(client->op_id, Outcome::kInfo);
      client->phase = Phase::kIdle;
      return;
    }
    if (client->type == OpType::kWrite && Chance(options_.fail_probability)) {
      client->outcome = Outcome::kFail;
    } else {
      client->outcome = Apply(client) ? Outcome::kOk : Outcome::kFail;
    }
    client->phase = Phase::kApplied;
  }

  bool Apply(Client* client) {
    Value& value = registers_[client->key];
    switch (client->type) {
      case OpType::kRead:
        client->output = {value};
        return true;
      case OpType::kWrite:
        value = client->input[0];
        return true;
      case OpType::kCas:
        if (value != client->input[0]) return false;
        value = client->input[1];
        return true;
      case OpType::kAppend:
        return false;
    }
    return false;
  }

  RegisterSimulationOptions options_;
  std::mt19937 rng_;
  std::vector<Client> clients_;
  std::map<std::string, Value> registers_;
  History history_;
  int invoked_ = 0;
  int next_value_ = 0;
};

}  // namespace

std::vector<Operation> SimulateRegisterHistory(const RegisterSimulationOptions& options) {
  return Simulation(options).Run();
}

}  // namespace raftkv::jepsen
