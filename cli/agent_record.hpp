#pragma once

// What a running agent serves, recorded in the cache dir it holds
// (CACHE/agent.json, 0600): written atomically once it listens, removed at a
// clean exit. The cache's lock names the live holder's pid; the record adds
// the address and upstream, so `gpx status` finds an agent run in a terminal
// or by a service manager through the cache alone, not only one started by
// `gpx agent start` (whose pid file is in the state dir).

#include <gomod/result.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace gpx::cli {

struct AgentRecord
{
  int pid = 0;
  std::string url;      // http://HOST:PORT it listens on
  std::string upstream; // the chain it uses, redacted
  bool offline = false;
  std::int64_t started_at = 0; // unix seconds
};

std::filesystem::path agent_record_path(const std::filesystem::path& cache_dir);

// The URL's credentials must already be redacted: the file is written as given.
Status write_agent_record(const std::filesystem::path& cache_dir,
                          const AgentRecord& record);
void remove_agent_record(const std::filesystem::path& cache_dir);

// The record, if there is one that parses (a damaged or oversized one is
// ignored: it only helps to find the agent).
std::optional<AgentRecord>
read_agent_record(const std::filesystem::path& cache_dir);

// The agent holding cache_dir's lock, with its record when the record is
// that agent's (same pid): pid 0 when no live process holds the lock.
std::optional<AgentRecord> cache_agent(const std::filesystem::path& cache_dir);

} // namespace gpx::cli
