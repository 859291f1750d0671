#pragma once

// The steps of `gpx init`, each a function of its own: check the flags,
// compute the config and the go env it leads to, record what was there
// before the first init, say what it does. run_init in cmd_init.cpp is the
// driver that reads, writes and starts things in between.

#include "usage.hpp"

#include <agent/config.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gpx::cli {

struct InitOptions
{
  std::string upstream;
  std::string private_patterns;
  std::string listen;
  std::string config;
  bool dry_run = false;
  bool undo = false;
  bool no_start = false;
  bool service = false;
  bool no_service = false;
};

// Key → value; nullopt is "unset".
using GoEnvChanges = std::map<std::string, std::optional<std::string>>;
using ConfigChanges = std::map<std::string, std::string, std::less<>>;

// The config keys the flags set, each checked as the agent will read it
// (a bad flag is a usage error, before anything is read or written).
Result<ConfigChanges> init_config_changes(const InitOptions& o);

// The config as init leaves it: the file's text (nullopt: no file) with the
// flags' keys set, read back as the agent will read it, before anything is
// written. `name` is the file's, for messages.
struct NewConfig
{
  std::optional<std::string> old_text;
  std::optional<std::string> new_text;
  agent::Config config;
  bool
  changed() const
  {
    return new_text != old_text;
  }
};
Result<NewConfig> plan_config(const std::optional<std::string>& old_text,
                              const ConfigChanges& changes,
                              const std::string& name,
                              const std::filesystem::path& default_cache_dir);

// GOPRIVATE syntax (cmd/go/internal/str.GlobsMatchPath): comma-separated
// path.Match globs; an element may not be blank or contain spaces.
Status check_patterns(std::string_view list);

// The upstream chain without the public module proxies, "direct" if
// nothing is left: the go command's fallback while the agent is down must
// not tell a public proxy the names of private modules.
std::string without_public_proxies(const std::string& chain);

// What the go command should use with this config: the agent first, then
// ("|": on any failure of the agent) the upstream chain itself.
GoEnvChanges wanted_go_env(const agent::Config& config);

// The entries of `wanted` that differ from the go env file's values.
GoEnvChanges go_env_changes(const GoEnvChanges& wanted,
                            const std::map<std::string, std::string>& current);

// Records in `state` (init.json) what was there before the *first* init:
// a second init must not record gpx's own values as "before". Returns
// whether the record changed.
struct Before
{
  std::string goenv_file;
  const std::map<std::string, std::string>* go_env =
    nullptr; // the file's values now
  std::string config_file;
  std::optional<std::string> config; // the file's text now; nullopt: none
};
bool record_before(nlohmann::json& state,
                   const Before& before,
                   const GoEnvChanges& go_changes,
                   bool config_changed);

// The last lines of a successful init: what to run next.
std::string init_next_steps();

} // namespace gpx::cli
