// gpx init: point the go command at the agent (go env -w), write the
// agent's config, start the agent; and --undo, which puts everything back as
// it was before the first init, "unset" included.

#include "agent_control.hpp"
#include "context.hpp"
#include "go_env.hpp"
#include "service.hpp"
#include "settings.hpp"

#include <agent/config.hpp>
#include <agent/proxy_list.hpp>
#include <agent/server.hpp>
#include <cache/atomic_file.hpp>
#include <cache/layout.hpp>
#include <gomod/format.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <unistd.h>

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

// What init changes, and what undo restores.
constexpr const char* k_go_keys[] = {"GOPROXY", "GOPRIVATE", "GONOPROXY", "GONOSUMDB"};

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

// The upstream chain without the public module proxies, "direct" if
// nothing is left: the go command's fallback while the agent is down must
// not tell a public proxy the names of private modules.
std::string
without_public_proxies(const std::string& chain)
{
  static constexpr std::string_view k_public[] = {"proxy.golang.org", "goproxy.io", "goproxy.cn", "proxy.golang.com.cn"};
  std::string out;
  std::size_t start = 0;
  char separator = 0; // the one before the current entry
  while (start <= chain.size()) {
    auto end = chain.find_first_of(",|", start);
    std::string entry = chain.substr(start, end == std::string::npos ? std::string::npos : end - start);
    bool is_public = false;
    for (auto host : k_public) {
      auto at = entry.find("://");
      std::string_view rest = at == std::string::npos ? std::string_view(entry) : std::string_view(entry).substr(at + 3);
      is_public = is_public || rest == host || rest.starts_with(std::string(host) + "/");
    }
    if (!is_public && !entry.empty()) {
      if (!out.empty()) {
        out += separator == 0 ? ',' : separator;
      }
      out += entry;
    }
    if (end == std::string::npos) {
      break;
    }
    separator = chain[end];
    start = end + 1;
  }
  return out.empty() ? "direct" : out;
}

// GOPRIVATE syntax (cmd/go/internal/str.GlobsMatchPath): comma-separated
// path.Match globs; an element may not be blank or contain spaces.
Status
check_patterns(std::string_view list)
{
  std::size_t pos = 0;
  while (pos <= list.size()) {
    auto comma = list.find(',', pos);
    auto elem = list.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    if (elem.empty() || elem.find_first_of(" \t\n") != std::string_view::npos) {
      return make_error(Error::Code::invalid,
                        format("--private {:?}: want comma-separated module path globs, e.g. corp.example.com/*,github.com/acme", list));
    }
    int depth = 0;
    for (char ch : elem) {
      depth += ch == '[' ? 1 : ch == ']' ? -1 : 0;
      if (depth < 0 || depth > 1) {
        break;
      }
    }
    if (depth != 0) {
      return make_error(Error::Code::invalid, format("--private: bad glob {:?}: unbalanced [ ]", elem));
    }
    if (comma == std::string_view::npos) {
      break;
    }
    pos = comma + 1;
  }
  return {};
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

void
warn_environment(const std::map<std::string, std::optional<std::string>>& wanted)
{
  for (const auto& [key, value] : wanted) {
    const char* env = std::getenv(key.c_str());
    if (env != nullptr && (!value || *value != env)) {
      std::cerr << format("gpx: warning: {} is set in your environment ({:?}); it overrides go env -w. "
                          "Remove it from your shell profile.\n",
                          key, env);
    }
  }
}

int
run_init(const InitOptions& o)
{
  auto paths = init_paths(o);
  if (!paths) {
    return fail(paths.error());
  }
  if (o.service && o.no_service) {
    return fail(make_error(Error::Code::invalid, "--service and --no-service exclude each other"));
  }
  // Decided before anything changes: a missing service manager must not
  // leave half an init behind.
  bool use_service = !o.no_start && !o.no_service && user_systemd_available();
  if (o.service && !o.no_start && !use_service) {
    return fail(make_error(Error::Code::io, "no systemd user manager answers here ('systemctl --user' fails)"),
                "run 'gpx init --no-service' to start the agent as a background process instead");
  }
  std::map<std::string, std::string, std::less<>> config_changes;
  if (!o.listen.empty()) {
    auto l = agent::parse_listen_address(o.listen);
    if (!l) {
      return fail(l.error(), "use e.g. --listen 127.0.0.1:7070");
    }
    if (l->port == 0) {
      return fail(make_error(Error::Code::invalid, "--listen: the go command needs a fixed port, not 0"),
                  "use e.g. --listen 127.0.0.1:7070");
    }
    config_changes["listen"] = o.listen;
  }
  if (!o.upstream.empty()) {
    if (auto chain = agent::parse_proxy_list(o.upstream); !chain) {
      return fail(chain.error().wrap("--upstream"), "use GOPROXY syntax, e.g. https://goproxy.corp.example,direct");
    }
    config_changes["upstream"] = o.upstream;
  }
  if (!o.private_patterns.empty()) {
    if (auto ok = check_patterns(o.private_patterns); !ok) {
      return fail(ok.error());
    }
    config_changes["private"] = o.private_patterns;
  }

  // The config as it will be: the file's text with our keys set.
  auto old_config = file_content(paths->config_file);
  std::optional<std::string> new_config = old_config;
  if (!config_changes.empty()) {
    auto edited = agent::set_config_values(old_config.value_or(""), config_changes);
    if (!edited) {
      return fail(edited.error().wrap(paths->config_file.string()), "fix the config file by hand, then run gpx init again");
    }
    new_config = *edited;
  }
  // Effective settings read back as the agent will read them.
  // The text is loaded from a temporary file outside the config dir, so a
  // dry run creates nothing there.
  auto tmp_config = fs::temp_directory_path() / format("gpx-init-{}.toml", getpid());
  Result<agent::Config> cfg = make_error(Error::Code::internal, "unreachable");
  if (new_config) {
    if (auto ok = cache::write_file_atomic(tmp_config, *new_config, 0600); !ok) {
      return fail(ok.error());
    }
    cfg = agent::load_config(tmp_config, true, paths->cache_dir);
    std::error_code ec;
    fs::remove(tmp_config, ec);
  } else {
    cfg = agent::load_config(paths->config_file, false, paths->cache_dir);
  }
  if (!cfg) {
    return fail(cfg.error());
  }

  // What the go command should use. The agent first; "|" so that any
  // failure of the agent (down, 502) falls through to the upstream chain
  // itself: the go command keeps working without the agent.
  std::map<std::string, std::optional<std::string>> wanted;
  auto agent_url = "http://" + cfg->listen;
  std::string fallback = cfg->upstream;
  if (!cfg->private_patterns.empty()) {
    // Private modules: the agent serves them from git (GONOPROXY=none lets
    // the go command ask it), never the checksum DB. With the agent down,
    // the go command would send every module path, private ones too, to
    // the fallback: public proxies leave it.
    wanted["GOPRIVATE"] = cfg->private_patterns;
    wanted["GONOPROXY"] = "none";
    wanted["GONOSUMDB"] = cfg->private_patterns;
    fallback = without_public_proxies(cfg->upstream);
  }
  wanted["GOPROXY"] = fallback == "off" ? agent_url : agent_url + "|" + fallback;

  auto goenv = read_go_env_file();
  if (!goenv) {
    return fail(goenv.error());
  }
  std::map<std::string, std::optional<std::string>> go_changes;
  for (const auto& [key, value] : wanted) {
    auto it = goenv->values.find(key);
    std::optional<std::string> current = it == goenv->values.end() ? std::nullopt : std::optional(it->second);
    if (current != value) {
      go_changes[key] = value;
    }
  }
  bool config_changed = new_config != old_config;

  // The state keeps what was there before the *first* init: a second init
  // must not record gpx's own values as "before".
  auto state = read_state(paths->state_file);
  bool state_changed = false;
  if (!state.contains("go_env")) {
    state["go_env"] = nlohmann::json::object();
  }
  state["goenv_file"] = goenv->path.string();
  for (const auto& [key, value] : go_changes) {
    if (!state["go_env"].contains(key)) {
      auto it = goenv->values.find(key);
      state["go_env"][key] = it == goenv->values.end() ? nlohmann::json(nullptr) : nlohmann::json(it->second);
      state_changed = true;
    }
  }
  if (config_changed && !state.contains("config")) {
    state["config_file"] = paths->config_file.string();
    state["config"] = old_config ? nlohmann::json(*old_config) : nlohmann::json(nullptr);
    state_changed = true;
  }

  std::string prefix = o.dry_run ? "would " : "";
  for (const auto& [key, value] : go_changes) {
    auto it = goenv->values.find(key);
    auto before = it == goenv->values.end() ? std::nullopt : std::optional(it->second);
    std::cout << format("gpx init: {}set {}={} (was {}) in {}\n", prefix, key, redact_list(*value), shown(before), goenv->path.string());
  }
  if (config_changed) {
    for (const auto& [key, value] : config_changes) {
      std::cout << format("gpx init: {}write {} = {:?} to {}\n", prefix, key, redact_list(value), paths->config_file.string());
    }
  }
  if (go_changes.empty() && !config_changed) {
    std::cout << "gpx init: go env and the config are already set; nothing to change\n";
  }
  if (use_service) {
    std::cout << format("gpx init: {}run the agent as the systemd user service gpx-agent (socket on {})\n", prefix, cfg->listen);
    if (!state.contains("service")) {
      state["service"] = true;
      state_changed = true;
    }
  }
  if (o.dry_run) {
    return 0;
  }

  if (state_changed) {
    std::error_code ec;
    if (auto ok = cache::write_private_file(paths->state_file, state.dump(2) + "\n"); !ok) {
      return fail(ok.error());
    }
  }
  if (config_changed) {
    std::error_code ec;
    fs::create_directories(paths->config_file.parent_path(), ec);
    if (auto ok = write_config_file(paths->config_file, *new_config); !ok) {
      return fail(ok.error());
    }
  }
  if (!go_changes.empty()) {
    if (auto ok = write_go_env(go_changes); !ok) {
      return fail(ok.error(), "the config was written; fix the go problem and run gpx init again");
    }
  }
  warn_environment(wanted);

  if (o.no_start) {
    return 0;
  }
  auto agent_paths_ = agent_paths();
  if (!agent_paths_) {
    return fail(agent_paths_.error());
  }
  std::vector<std::string> args;
  if (paths->config_explicit) {
    args = {"--config", paths->config_file.string()};
  }
  if (config_changed || use_service) {
    // A running agent would keep the old settings, or hold the port.
    (void)stop_agent(*agent_paths_);
  }
  if (use_service) {
    if (paths->config_explicit) {
      std::cerr << "gpx: warning: the service reads the default config file, not " << paths->config_file.string() << "\n";
    }
    auto units = install_user_service(cfg->listen);
    if (!units) {
      return fail(units.error(), "go env is set; 'gpx init --no-service' starts the agent as a background process instead");
    }
    std::cout << format("gpx init: agent enabled as a systemd user service ({}); it starts on the first request\n",
                        units->front().parent_path().string());
    return 0;
  }
  auto running = start_agent(*agent_paths_, args);
  if (!running) {
    return fail(running.error(), format("go env is set; start the agent with 'gpx agent start' once fixed (log: {})",
                                        agent_paths_->log_file.string()));
  }
  std::cout << format("gpx init: agent running at {} (pid {})\n", running->url, running->pid);
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
    std::cout << format("gpx init --undo: nothing to undo (no record of gpx init at {})\n", paths->state_file.string());
    return 0;
  }
  auto state = read_state(paths->state_file);
  if (!state.contains("go_env") || !state["go_env"].is_object()) {
    return fail(make_error(Error::Code::invalid, format("{}: not a gpx init record", paths->state_file.string())),
                "restore go env by hand (go env -u GOPROXY …) and remove the file");
  }
  std::map<std::string, std::optional<std::string>> restore;
  for (const auto& [key, value] : state["go_env"].items()) {
    if (std::find(std::begin(k_go_keys), std::end(k_go_keys), key) == std::end(k_go_keys)) {
      continue;
    }
    restore[key] = value.is_string() ? std::optional(value.get<std::string>()) : std::nullopt;
  }
  std::string prefix = o.dry_run ? "would " : "";
  for (const auto& [key, value] : restore) {
    std::cout << format("gpx init --undo: {}{} {}\n", prefix, value ? "set" : "unset", value ? key + "=" + redact_list(*value) : key);
  }
  bool has_config = state.contains("config") && state.contains("config_file") && state["config_file"].is_string();
  fs::path config_file = has_config ? fs::path(state["config_file"].get<std::string>()) : fs::path();
  if (has_config) {
    std::cout << format("gpx init --undo: {}{} {}\n", prefix, state["config"].is_string() ? "restore" : "remove", config_file.string());
  }
  if (state.contains("service")) {
    std::cout << format("gpx init --undo: {}disable and remove the gpx-agent user service\n", prefix);
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
      std::cout << "gpx init --undo: disabled and removed the gpx-agent user service\n";
    }
  }
  if (auto ok = write_go_env(restore); !ok) {
    return fail(ok.error(), format("nothing else was changed; the record stays in {}", paths->state_file.string()));
  }
  if (has_config) {
    if (state["config"].is_string()) {
      if (auto ok = write_config_file(config_file, state["config"].get<std::string>()); !ok) {
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
  auto* init = app.add_subcommand("init", "Point the go command at the agent and start it (--undo puts everything back)");
  init->add_option("--upstream", o->upstream, "upstream chain in GOPROXY syntax, e.g. https://goproxy.corp.example,direct")->type_name("LIST");
  init->add_option("--private", o->private_patterns, "private module path globs (GOPRIVATE syntax), e.g. corp.example.com/*")->type_name("GLOBS");
  init->add_option("--listen", o->listen, "address the agent listens on (default 127.0.0.1:7070)")->type_name("ADDR");
  init->add_option("--config", o->config, "config file to write (default $XDG_CONFIG_HOME/gpx/config.toml)")->type_name("FILE");
  init->add_flag("--dry-run", o->dry_run, "print what would change; change nothing");
  init->add_flag("--undo", o->undo, "restore go env and the config as they were before the first gpx init");
  init->add_flag("--no-start", o->no_start, "set everything up but do not start the agent");
  init->add_flag("--service", o->service, "run the agent as a socket-activated systemd user service (the default where systemd runs)");
  init->add_flag("--no-service", o->no_service, "run the agent as a background process, even where systemd runs");
  init->footer("Sets GOPROXY to the agent, falling back to the upstream chain when the agent is down\n"
               "(\"http://127.0.0.1:7070|UPSTREAM\"), and with --private also GOPRIVATE, GONOPROXY=none (the agent serves\n"
               "private modules from git) and GONOSUMDB; the fallback after \"|\" then leaves out public proxies.\n"
               "Running it twice changes nothing the second time.\n\n"
               "Examples:\n"
               "  gpx init --upstream https://goproxy.corp.example,direct --private 'corp.example.com/*'\n"
               "  gpx init --dry-run\n"
               "  gpx init --undo");
  init->callback([o, &ctx] { ctx.exit_code = o->undo ? run_undo(*o) : run_init(*o); });
}

} // namespace gpx::cli
