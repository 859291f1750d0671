#pragma once

// The agent as a background process on a laptop: started detached, found
// again through a pid file in the state dir, stopped with SIGTERM. Used by
// `gpx agent start|stop|restart|status|logs`, `gpx init` and `gpx status`.

#include <gomod/result.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gpx::cli {

struct AgentPaths
{
  std::filesystem::path pid_file; // state_dir/agent.pid: "PID\nURL\n"
  std::filesystem::path
    log_file; // state_dir/agent.log (one rotated copy: agent.log.1)
};

Result<AgentPaths> agent_paths();

struct RunningAgent
{
  int pid = 0;
  std::string url;
  bool healthy = false; // answered /healthz
  std::string upstream; // the chain it uses, redacted; empty when unknown
  std::int64_t started_at = 0; // unix seconds; 0 when unknown
  std::string found_by;        // "pid_file", "cache_lock" or "listen"
};

// An agent answers GET URL/healthz within a couple of seconds.
bool answers_healthz(const std::string& url);

// The agent recorded in the pid file, if that process is still a gpx.
std::optional<RunningAgent> find_agent(const AgentPaths& paths);

// find_agent, or else whatever agent answers /healthz at listen (a systemd
// service, or `gpx agent run` in a terminal): pid 0 then.
std::optional<RunningAgent> find_any_agent(const AgentPaths& paths,
                                           const std::string& listen);

// The agent that serves cache_dir (its lock and record, agent_record.hpp),
// else find_any_agent: what `gpx status` and `gpx agent status` show.
std::optional<RunningAgent>
find_agent_for(const AgentPaths& paths,
               const std::filesystem::path& cache_dir,
               const std::string& listen);

// "running at URL (pid N[, serving DIR]), healthy" for status lines.
std::string describe_agent(const RunningAgent& agent,
                           const std::filesystem::path& cache_dir);

// The agent as `--json` prints it (docs/gpx.schema.json, $defs/agent).
nlohmann::json agent_json(const std::optional<RunningAgent>& agent);

// Unix seconds as RFC 3339 in UTC ("2026-01-02T03:04:05Z").
std::string rfc3339(std::int64_t unix_seconds);

// Starts `gpx agent run ARGS` in the background and waits for it to listen.
// An agent already running is left alone (and returned).
Result<RunningAgent> start_agent(const AgentPaths& paths,
                                 const std::vector<std::string>& run_args);

// SIGTERM, then SIGKILL after a grace period; false if none was running.
Result<bool> stop_agent(const AgentPaths& paths);

} // namespace gpx::cli
