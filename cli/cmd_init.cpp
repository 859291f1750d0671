// gpx init: point the go command at the agent (go env -w), write the
// agent's config, start the agent; and --undo, which puts everything back as
// it was before the first init, "unset" included.

#include "agent_control.hpp"
#include "agent_steps.hpp"
#include "context.hpp"
#include "go_env.hpp"
#include "go_env_override.hpp"
#include "init_steps.hpp"
#include "service.hpp"
#include "settings.hpp"

#include <agent/config.hpp>
#include <agent/proxy_list.hpp>
#include <agent/server.hpp>
#include <cache/atomic_file.hpp>
#include <cache/layout.hpp>
#include <gomod/format.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>

namespace fs = std::filesystem;

namespace gpx::cli {

namespace {

// The config may hold a credential (a token in the upstream URL): an
// existing file keeps the mode its owner gave it, a new one is 0600 in a
// 0700 directory.
Status
write_config_file(const fs::path& file, std::string_view text)
{
  std::error_code ec;
  if (fs::exists(file, ec)) {
    return cache::write_file_atomic(file, text);
  }
  // A directory gpx creates is its own (0700); one that exists may be
  // shared (--config ./gpx.toml) and is left as it is.
  if (!fs::exists(file.parent_path(), ec)) {
    GPX_TRY(cache::make_private_dir(file.parent_path()));
  }
  return cache::write_file_atomic(file, text, 0600);
}

// What init changes, and what undo restores.
constexpr const char* k_go_keys[] = {
  "GOPROXY", "GOPRIVATE", "GONOPROXY", "GONOSUMDB"};

struct Paths
{
  fs::path config_file;
  bool config_explicit = false;
  fs::path state_file; // state_dir/init.json: what was there before
  fs::path cache_dir;
};

Result<Paths>
init_paths(const InitOptions& o)
{
  auto dirs = cache::default_dirs();
  if (!dirs) {
    return dirs.error();
  }
  Paths p;
  p.config_explicit = !o.config.empty() || std::getenv("GPX_CONFIG") != nullptr;
  p.config_file = o.config.empty() ? dirs->config_file : fs::absolute(o.config);
  p.state_file = dirs->state_dir / "init.json";
  p.cache_dir = dirs->cache_dir;
  return p;
}

std::string
shown(const std::optional<std::string>& v)
{
  return v ? format("{:?}", *v) : "unset";
}

nlohmann::json
read_state(const fs::path& file)
{
  auto text = cache::read_small_file(file);
  if (!text) {
    return nlohmann::json::object();
  }
  auto j = nlohmann::json::parse(*text, nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

std::optional<std::string>
file_content(const fs::path& file)
{
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    return std::nullopt;
  }
  auto text = cache::read_small_file(file);
  return text ? std::optional(*text) : std::nullopt;
}

// An environment variable (from a shell profile, most likely) overrides what
// go env -w writes: said before anything changes, dry run included, with
// where it is set and the exact fix, since init alone cannot fix it.
void
warn_environment(
  const GoEnvFile& goenv,
  const std::map<std::string, std::optional<std::string>>& wanted)
{
  for (const auto& o : go_env_overrides(goenv)) {
    auto it = wanted.find(o.name);
    if (it == wanted.end() || (it->second && *it->second == o.env_value)) {
      continue;
    }
    std::cerr << "gpx: warning: " << override_message(o) << "\n"
              << "gpx: hint: " << override_fix(o) << "\n";
  }
}

// Where the agent goes: a systemd user service or a background process,
// decided before anything changes (a missing service manager must not leave
// half an init behind).
Result<bool>
choose_service(const InitOptions& o)
{
  bool use_service = !o.no_start && !o.no_service && user_systemd_available();
  if (o.service && !o.no_start && !use_service) {
    return Error::io(
      "no systemd user manager answers here ('systemctl --user' fails)");
  }
  return use_service;
}

// Says what init changes (or, with --dry-run, would change).
void
print_plan(const InitOptions& o,
           const GoEnvFile& goenv,
           const GoEnvChanges& go_changes,
           const ConfigChanges& config_changes,
           bool config_changed,
           const Paths& paths)
{
  std::string prefix = o.dry_run ? "would " : "";
  for (const auto& [key, value] : go_changes) {
    auto it = goenv.values.find(key);
    auto before =
      it == goenv.values.end() ? std::nullopt : std::optional(it->second);
    std::cout << format("gpx init: {}set {}={} (was {}) in {}\n",
                        prefix,
                        key,
                        redact_list(*value),
                        shown(before),
                        goenv.path.string());
  }
  if (config_changed) {
    for (const auto& [key, value] : config_changes) {
      std::cout << format("gpx init: {}write {} = {:?} to {}\n",
                          prefix,
                          key,
                          redact_list(value),
                          paths.config_file.string());
    }
  }
  if (go_changes.empty() && !config_changed) {
    std::cout
      << "gpx init: go env and the config are already set; nothing to change\n";
  }
}

// Says how the agent will run; a dry run, that it would start it.
void
print_agent_plan(const InitOptions& o,
                 bool use_service,
                 const std::string& listen)
{
  if (use_service) {
    std::cout << format(
      "gpx init: {}run the agent as the systemd user service gpx-agent (socket "
      "on {})\n",
      o.dry_run ? "would " : "",
      listen);
  } else if (!o.no_start && o.dry_run) {
    std::cout << format(
      "gpx init: would start the agent at http://{} (or restart it with the "
      "new settings)\n",
      listen);
  }
}

// Writes the record, the config and go env, in that order: the record
// first, so that --undo can put back whatever the later steps changed.
int
apply_changes(const Paths& paths,
              const nlohmann::json& state,
              bool state_changed,
              const std::optional<std::string>& new_config,
              bool config_changed,
              const GoEnvChanges& go_changes)
{
  if (state_changed) {
    if (auto ok =
          cache::write_private_file(paths.state_file, state.dump(2) + "\n");
        !ok) {
      return fail(ok.error());
    }
  }
  if (config_changed) {
    std::error_code ec;
    fs::create_directories(paths.config_file.parent_path(), ec);
    if (auto ok = write_config_file(paths.config_file, *new_config); !ok) {
      return fail(ok.error());
    }
  }
  if (!go_changes.empty()) {
    if (auto ok = write_go_env(go_changes); !ok) {
      return fail(
        ok.error(),
        "the config was written; fix the go problem and run gpx init again");
    }
  }
  return 0;
}

// A re-run that cannot start the new agent must leave the old one up: the
// address is checked before anything is written or stopped. The running
// agent's own address is free for its successor.
Status
check_agent_address(const std::string& listen, const AgentPaths& agent_paths_)
{
  auto address = agent::parse_listen_address(listen);
  if (!address) {
    return address.error().wrap("listen");
  }
  auto running = find_agent(agent_paths_);
  return check_listen_free(*address, running ? running->url : "");
}

// Starts the agent with the new settings, as a service or in the background.
int
start_configured_agent(const Paths& paths,
                       const AgentPaths& agent_paths_,
                       const std::string& listen,
                       bool restart,
                       bool use_service)
{
  std::vector<std::string> args;
  if (paths.config_explicit) {
    args = {"--config", paths.config_file.string()};
  }
  if (restart) {
    // A running agent would keep the old settings, or hold the port.
    (void)stop_agent(agent_paths_);
  }
  if (use_service) {
    if (paths.config_explicit) {
      std::cerr
        << "gpx: warning: the service reads the default config file, not "
        << paths.config_file.string() << "\n";
    }
    auto units = install_user_service(listen);
    if (!units) {
      return fail(units.error(),
                  "go env is set; 'gpx init --no-service' starts the agent as "
                  "a background process instead");
    }
    std::cout << format(
      "gpx init: agent enabled as a systemd user service ({}); it starts on "
      "the first request\n",
      units->front().parent_path().string());
    return 0;
  }
  auto running = start_agent(agent_paths_, args);
  if (!running) {
    return fail(running.error(),
                format("go env is set; start the agent with 'gpx agent start' "
                       "once fixed (log: {})",
                       agent_paths_.log_file.string()));
  }
  std::cout << format(
    "gpx init: agent running at {} (pid {})\n", running->url, running->pid);
  return 0;
}

int
run_init(const InitOptions& o)
{
  if (o.service && o.no_service) {
    return usage_error(
      Error::invalid("--service and --no-service exclude each other"));
  }
  auto config_changes = init_config_changes(o);
  if (!config_changes) {
    return usage_error(config_changes.error(),
                       "run 'gpx init --help' for the flags' forms");
  }
  auto paths = init_paths(o);
  if (!paths) {
    return fail(paths.error());
  }
  auto use_service = choose_service(o);
  if (!use_service) {
    return fail(use_service.error(),
                "run 'gpx init --no-service' to start the agent as a "
                "background process instead");
  }

  auto planned = plan_config(file_content(paths->config_file),
                             *config_changes,
                             paths->config_file.string(),
                             paths->cache_dir);
  if (!planned) {
    return fail(planned.error(),
                "fix the config file by hand, then run gpx init again");
  }
  const agent::Config* cfg = &planned->config;
  const auto& old_config = planned->old_text;
  const auto& new_config = planned->new_text;
  bool config_changed = planned->changed();

  auto wanted = wanted_go_env(*cfg);
  auto goenv = read_go_env_file();
  if (!goenv) {
    return fail(goenv.error());
  }
  auto go_changes = go_env_changes(wanted, goenv->values);
  auto state = read_state(paths->state_file);
  bool state_changed = record_before(state,
                                     Before{goenv->path.string(),
                                            &goenv->values,
                                            paths->config_file.string(),
                                            old_config},
                                     go_changes,
                                     config_changed);
  if (*use_service && !state.contains("service")) {
    state["service"] = true;
    state_changed = true;
  }

  print_plan(o, *goenv, go_changes, *config_changes, config_changed, *paths);
  print_agent_plan(o, *use_service, cfg->listen);
  warn_environment(*goenv, wanted);
  if (o.dry_run) {
    return 0;
  }

  auto agent_paths_ = agent_paths();
  if (!agent_paths_) {
    return fail(agent_paths_.error());
  }
  bool restart = config_changed || *use_service;
  if (!o.no_start && !*use_service) {
    if (auto free = check_agent_address(cfg->listen, *agent_paths_); !free) {
      return fail(free.error(),
                  "nothing was changed; give another --listen, or stop what "
                  "holds the port");
    }
  }
  if (int rc = apply_changes(
        *paths, state, state_changed, new_config, config_changed, go_changes);
      rc != 0) {
    return rc;
  }
  if (!o.no_start) {
    if (int rc = start_configured_agent(
          *paths, *agent_paths_, cfg->listen, restart, *use_service);
        rc != 0) {
      return rc;
    }
  }
  std::cout << init_next_steps();
  return 0;
}

int
run_undo(const InitOptions& o)
{
  auto paths = init_paths(o);
  if (!paths) {
    return fail(paths.error());
  }
  std::error_code ec;
  if (!fs::exists(paths->state_file, ec)) {
    std::cout << format(
      "gpx init --undo: nothing to undo (no record of gpx init at {})\n",
      paths->state_file.string());
    return 0;
  }
  auto state = read_state(paths->state_file);
  if (!state.contains("go_env") || !state["go_env"].is_object()) {
    return fail(
      Error::invalid(
        format("{}: not a gpx init record", paths->state_file.string())),
      "restore go env by hand (go env -u GOPROXY …) and remove the file");
  }
  std::map<std::string, std::optional<std::string>> restore;
  for (const auto& [key, value] : state["go_env"].items()) {
    if (std::find(std::begin(k_go_keys), std::end(k_go_keys), key)
        == std::end(k_go_keys)) {
      continue;
    }
    restore[key] = value.is_string() ? std::optional(value.get<std::string>())
                                     : std::nullopt;
  }
  std::string prefix = o.dry_run ? "would " : "";
  for (const auto& [key, value] : restore) {
    std::cout << format("gpx init --undo: {}{} {}\n",
                        prefix,
                        value ? "set" : "unset",
                        value ? key + "=" + redact_list(*value) : key);
  }
  bool has_config = state.contains("config") && state.contains("config_file")
                    && state["config_file"].is_string();
  fs::path config_file =
    has_config ? fs::path(state["config_file"].get<std::string>()) : fs::path();
  if (has_config) {
    std::cout << format("gpx init --undo: {}{} {}\n",
                        prefix,
                        state["config"].is_string() ? "restore" : "remove",
                        config_file.string());
  }
  if (state.contains("service")) {
    std::cout << format(
      "gpx init --undo: {}disable and remove the gpx-agent user service\n",
      prefix);
  }
  if (o.dry_run) {
    return 0;
  }
  if (auto agent_paths_ = agent_paths()) {
    if (auto stopped = stop_agent(*agent_paths_); stopped && *stopped) {
      std::cout << "gpx init --undo: stopped the agent\n";
    }
  }
  if (state.contains("service")) {
    if (auto ok = remove_user_service(); !ok) {
      std::cerr << "gpx: warning: " << ok.error().message << "\n";
    } else {
      std::cout
        << "gpx init --undo: disabled and removed the gpx-agent user service\n";
    }
  }
  if (auto ok = write_go_env(restore); !ok) {
    return fail(ok.error(),
                format("nothing else was changed; the record stays in {}",
                       paths->state_file.string()));
  }
  if (has_config) {
    if (state["config"].is_string()) {
      if (auto ok =
            write_config_file(config_file, state["config"].get<std::string>());
          !ok) {
        return fail(ok.error());
      }
    } else {
      fs::remove(config_file, ec);
    }
  }
  fs::remove(paths->state_file, ec);
  return 0;
}

} // namespace

void
register_init(CLI::App& app, Context& ctx)
{
  auto o = std::make_shared<InitOptions>();
  auto* init = app.add_subcommand("init",
                                  "Point the go command at the agent and start "
                                  "it (--undo puts everything back)");
  init
    ->add_option("--upstream",
                 o->upstream,
                 "upstream chain in GOPROXY syntax, e.g. "
                 "https://goproxy.corp.example,direct")
    ->type_name("LIST");
  init
    ->add_option(
      "--private",
      o->private_patterns,
      "private module path globs (GOPRIVATE syntax), e.g. corp.example.com/*")
    ->type_name("GLOBS");
  init
    ->add_option("--listen",
                 o->listen,
                 "address the agent listens on (default 127.0.0.1:7070)")
    ->type_name("ADDR");
  init
    ->add_option(
      "--config",
      o->config,
      "config file to write (default $XDG_CONFIG_HOME/gpx/config.toml)")
    ->type_name("FILE");
  init->add_flag(
    "--dry-run", o->dry_run, "print what would change; change nothing");
  init->add_flag(
    "--undo",
    o->undo,
    "restore go env and the config as they were before the first gpx init");
  init->add_flag(
    "--no-start", o->no_start, "set everything up but do not start the agent");
  init->add_flag("--service",
                 o->service,
                 "run the agent as a socket-activated systemd user service "
                 "(the default where systemd runs)");
  init->add_flag(
    "--no-service",
    o->no_service,
    "run the agent as a background process, even where systemd runs");
  init->footer(
    "Sets GOPROXY to the agent, falling back to the upstream chain when the "
    "agent is down\n"
    "(\"http://127.0.0.1:7070|UPSTREAM\"), and with --private also GOPRIVATE, "
    "GONOPROXY=none (the agent serves\n"
    "private modules from git) and GONOSUMDB; the fallback after \"|\" then "
    "leaves out public proxies.\n"
    "Running it twice changes nothing the second time.\n\n"
    "Examples:\n"
    "  gpx init --upstream https://goproxy.corp.example,direct --private "
    "'corp.example.com/*'\n"
    "  gpx init --dry-run\n"
    "  gpx init --undo");
  init->callback(
    [o, &ctx] { ctx.exit_code = o->undo ? run_undo(*o) : run_init(*o); });
}

} // namespace gpx::cli
