#include "agent_record.hpp"

#include <cache/atomic_file.hpp>
#include <cache/lock.hpp>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace gpx::cli {

namespace {

constexpr std::uintmax_t k_max_record_size = 64 * 1024;

} // namespace

fs::path
agent_record_path(const fs::path& cache_dir)
{
  return cache_dir / "agent.json";
}

Status
write_agent_record(const fs::path& cache_dir, const AgentRecord& record)
{
  nlohmann::json j{{"pid", record.pid},
                   {"url", record.url},
                   {"upstream", record.upstream},
                   {"offline", record.offline},
                   {"started_at", record.started_at}};
  return cache::write_file_atomic(
    agent_record_path(cache_dir), j.dump() + "\n", 0600);
}

void
remove_agent_record(const fs::path& cache_dir)
{
  std::error_code ec;
  fs::remove(agent_record_path(cache_dir), ec);
}

std::optional<AgentRecord>
read_agent_record(const fs::path& cache_dir)
{
  auto path = agent_record_path(cache_dir);
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec || size > k_max_record_size) {
    return std::nullopt;
  }
  auto text = cache::read_small_file(path);
  if (!text) {
    return std::nullopt;
  }
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object()) {
    return std::nullopt;
  }
  AgentRecord r;
  auto pid = j.value("pid", nlohmann::json());
  auto url = j.value("url", nlohmann::json());
  auto upstream = j.value("upstream", nlohmann::json());
  auto offline = j.value("offline", nlohmann::json());
  auto started = j.value("started_at", nlohmann::json());
  if (!pid.is_number_integer() || !url.is_string() || !upstream.is_string()
      || !offline.is_boolean() || !started.is_number_integer()) {
    return std::nullopt;
  }
  r.pid = pid.get<int>();
  r.url = url.get<std::string>();
  r.upstream = upstream.get<std::string>();
  r.offline = offline.get<bool>();
  r.started_at = started.get<std::int64_t>();
  if (r.pid <= 0
      || !(r.url.starts_with("http://") || r.url.starts_with("https://"))) {
    return std::nullopt;
  }
  return r;
}

std::optional<AgentRecord>
cache_agent(const fs::path& cache_dir)
{
  int holder = cache::lock_holder(cache_dir / "agent.lock");
  if (holder <= 0) {
    return std::nullopt;
  }
  auto record = read_agent_record(cache_dir);
  if (record && record->pid == holder) {
    return record;
  }
  // An agent from before the record existed, or one still starting.
  AgentRecord bare;
  bare.pid = holder;
  return bare;
}

} // namespace gpx::cli
