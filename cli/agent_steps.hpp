#pragma once

// The steps of `gpx agent run` before it serves, as functions of their own:
// `gpx agent restart` and `gpx init` run the same checks before they stop a
// running agent, so a broken config or a taken port leaves that agent up.

#include <agent/config.hpp>
#include <agent/proxy_list.hpp>
#include <agent/server.hpp>
#include <gomod/sumdb_client.hpp>

#include <optional>
#include <string>

namespace gpx::cli {

struct AgentOptions
{
  std::string listen;
  std::string cache_dir;
  std::string config;
  std::string upstream;
  bool offline = false;
  std::string log_file;
};

// The command line's settings as config overrides (they win over the
// environment and the file).
agent::ConfigOverrides agent_overrides(const AgentOptions& o);

// The settings the agent runs with: --config (or GPX_CONFIG, or the XDG
// file), the environment, then the flags.
Result<agent::Config> load_agent_config(const AgentOptions& o);

// What a config says, parsed as the agent needs it; an error names the key.
struct AgentPlan
{
  agent::ListenAddress listen;
  std::vector<agent::ProxySpec> chain;
  gomod::sumdb::Database sumdb;
};
Result<AgentPlan> plan_agent(const agent::Config& config);

// Whether a new agent could listen on `listen`: it is free, or it is the
// address of the agent that runs now (`running_url`, "" for none), which
// is stopped first. Port 0 is always free.
Status check_listen_free(const agent::ListenAddress& listen,
                         const std::string& running_url);

// Everything above for the agent `gpx agent run` with `o` would be, before a
// running one (at `running_url`, "" for none) is stopped to make room.
Status check_new_agent(const AgentOptions& o, const std::string& running_url);

// The log line an agent starts with. An offline agent uses no upstream, so
// it names none.
std::string start_log_line(const std::string& url,
                           const agent::Config& config,
                           const std::vector<agent::ProxySpec>& chain);

} // namespace gpx::cli
