#include "init_steps.hpp"

#include <agent/proxy_list.hpp>
#include <agent/server.hpp>
#include <gomod/format.hpp>

namespace gpx::cli {

Result<ConfigChanges>
init_config_changes(const InitOptions& o)
{
  ConfigChanges changes;
  if (!o.listen.empty()) {
    auto l = agent::parse_listen_address(o.listen);
    if (!l) {
      return l.error().wrap("--listen");
    }
    if (l->port == 0) {
      return Error::invalid(
        "--listen: the go command needs a fixed port, not 0");
    }
    changes["listen"] = o.listen;
  }
  if (!o.upstream.empty()) {
    if (auto chain = agent::parse_proxy_list(o.upstream); !chain) {
      return chain.error().wrap("--upstream");
    }
    changes["upstream"] = o.upstream;
  }
  if (!o.private_patterns.empty()) {
    GPX_TRY(check_patterns(o.private_patterns));
    changes["private"] = o.private_patterns;
  }
  return changes;
}

Result<NewConfig>
plan_config(const std::optional<std::string>& old_text,
            const ConfigChanges& changes,
            const std::string& name,
            const std::filesystem::path& default_cache_dir)
{
  NewConfig plan;
  plan.old_text = old_text;
  plan.new_text = old_text;
  if (!changes.empty()) {
    auto edited = agent::set_config_values(old_text.value_or(""), changes);
    if (!edited) {
      return edited.error().wrap(name);
    }
    plan.new_text = std::move(*edited);
  }
  auto config = agent::load_config_text(plan.new_text, name, default_cache_dir);
  if (!config) {
    return config.error();
  }
  plan.config = std::move(*config);
  return plan;
}

Status
check_patterns(std::string_view list)
{
  std::size_t pos = 0;
  while (pos <= list.size()) {
    auto comma = list.find(',', pos);
    auto elem = list.substr(
      pos,
      comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    if (elem.empty() || elem.find_first_of(" \t\n") != std::string_view::npos) {
      return Error::invalid(
        format("--private {:?}: want comma-separated module path globs, e.g. "
               "corp.example.com/*,github.com/acme",
               list));
    }
    int depth = 0;
    for (char ch : elem) {
      depth += ch == '[' ? 1 : ch == ']' ? -1 : 0;
      if (depth < 0 || depth > 1) {
        break;
      }
    }
    if (depth != 0) {
      return Error::invalid(
        format("--private: bad glob {:?}: unbalanced [ ]", elem));
    }
    if (comma == std::string_view::npos) {
      break;
    }
    pos = comma + 1;
  }
  return {};
}

std::string
without_public_proxies(const std::string& chain)
{
  static constexpr std::string_view k_public[] = {
    "proxy.golang.org", "goproxy.io", "goproxy.cn", "proxy.golang.com.cn"};
  std::string out;
  std::size_t start = 0;
  char separator = 0; // the one before the current entry
  while (start <= chain.size()) {
    auto end = chain.find_first_of(",|", start);
    std::string entry = chain.substr(
      start, end == std::string::npos ? std::string::npos : end - start);
    bool is_public = false;
    for (auto host : k_public) {
      auto at = entry.find("://");
      std::string_view rest = at == std::string::npos
                                ? std::string_view(entry)
                                : std::string_view(entry).substr(at + 3);
      is_public =
        is_public || rest == host || rest.starts_with(std::string(host) + "/");
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

GoEnvChanges
wanted_go_env(const agent::Config& config)
{
  GoEnvChanges wanted;
  auto agent_url = "http://" + config.listen;
  std::string fallback = config.upstream;
  if (!config.private_patterns.empty()) {
    // Private modules: the agent serves them from git (GONOPROXY=none lets
    // the go command ask it), never the checksum DB. With the agent down,
    // the go command would send every module path, private ones too, to
    // the fallback: public proxies leave it.
    wanted["GOPRIVATE"] = config.private_patterns;
    wanted["GONOPROXY"] = "none";
    wanted["GONOSUMDB"] = config.private_patterns;
    fallback = without_public_proxies(config.upstream);
  }
  wanted["GOPROXY"] =
    fallback == "off" ? agent_url : agent_url + "|" + fallback;
  return wanted;
}

GoEnvChanges
go_env_changes(const GoEnvChanges& wanted,
               const std::map<std::string, std::string>& current)
{
  GoEnvChanges changes;
  for (const auto& [key, value] : wanted) {
    auto it = current.find(key);
    std::optional<std::string> now =
      it == current.end() ? std::nullopt : std::optional(it->second);
    if (now != value) {
      changes[key] = value;
    }
  }
  return changes;
}

bool
record_before(nlohmann::json& state,
              const Before& before,
              const GoEnvChanges& go_changes,
              bool config_changed)
{
  bool changed = false;
  if (!state.contains("go_env") || !state["go_env"].is_object()) {
    state["go_env"] = nlohmann::json::object();
  }
  state["goenv_file"] = before.goenv_file;
  for (const auto& [key, value] : go_changes) {
    if (!state["go_env"].contains(key)) {
      nlohmann::json was(nullptr);
      if (before.go_env != nullptr) {
        if (auto it = before.go_env->find(key); it != before.go_env->end()) {
          was = it->second;
        }
      }
      state["go_env"][key] = was;
      changed = true;
    }
  }
  if (config_changed && !state.contains("config")) {
    state["config_file"] = before.config_file;
    state["config"] =
      before.config ? nlohmann::json(*before.config) : nlohmann::json(nullptr);
    changed = true;
  }
  return changed;
}

std::string
init_next_steps()
{
  return "gpx init: next, in a module: 'gpx prefetch' fills the cache with "
         "what it needs; "
         "'gpx doctor' checks that everything agrees\n";
}

} // namespace gpx::cli
