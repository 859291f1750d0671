// gpx config: every setting in effect, its value and where it came from
// (flag, environment, file:line, default), as `go env` and `ccache -p` show
// theirs; credentials in URLs are redacted.

#include "context.hpp"
#include "settings.hpp"

#include <agent/config.hpp>
#include <cache/layout.hpp>
#include <gomod/format.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <numeric>
#include <vector>

namespace gpx::cli {

namespace {

struct ConfigOptions
{
  std::string key;
  std::string config;
  std::string cache_dir;
  bool json = false;
};

std::size_t
edit_distance(std::string_view a, std::string_view b)
{
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1,
                         row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string
origin_label(const agent::ConfigOrigin& o)
{
  if (o.source == "default") {
    return "default";
  }
  if (o.source == "environment") {
    return "environment " + o.where;
  }
  if (o.source == "flag") {
    return "flag " + o.where;
  }
  return o.where; // FILE:LINE
}

int
run_config(const ConfigOptions& o)
{
  auto keys = agent::config_keys();
  if (!o.key.empty()
      && std::none_of(keys.begin(), keys.end(), [&](const agent::ConfigKey& k) {
           return k.name == o.key;
         })) {
    std::string hint = "'gpx config' lists every key";
    for (const auto& k : keys) {
      if (edit_distance(k.name, o.key) <= 2) {
        hint = format("did you mean {}? {}", k.name, hint);
        break;
      }
    }
    fail(Error::invalid(format("unknown config key {:?}", o.key)), hint);
    return 2;
  }
  auto config = load_settings(o.cache_dir, o.config);
  if (!config) {
    return fail(config.error());
  }
  auto dirs = cache::default_dirs();
  if (!dirs) {
    return fail(dirs.error());
  }
  auto config_file = o.config.empty() ? dirs->config_file.string() : o.config;
  auto value_of = [&](std::string_view key) {
    auto it = config->origins.find(key);
    return it == config->origins.end() ? agent::ConfigOrigin{} : it->second;
  };
  if (!o.key.empty() && !o.json) {
    std::cout << redact_list(value_of(o.key).value) << "\n";
    return 0;
  }
  if (o.json) {
    auto settings = nlohmann::json::array();
    for (const auto& k : keys) {
      if (!o.key.empty() && k.name != o.key) {
        continue;
      }
      auto v = value_of(k.name);
      settings.push_back(
        {{"key", k.name},
         {"value", redact_list(v.value)},
         {"source", v.source},
         {"origin",
          v.where.empty() ? nlohmann::json() : nlohmann::json(v.where)},
         {"env", k.env}});
    }
    std::cout << nlohmann::json{{"config_file", config_file},
                                {"settings", settings}}
                   .dump()
              << "\n";
    return 0;
  }
  for (const auto& k : keys) {
    auto v = value_of(k.name);
    std::cout << format(
      "({}) {} = {}\n", origin_label(v), k.name, redact_list(v.value));
  }
  return 0;
}

} // namespace

void
register_config(CLI::App& app, Context& ctx)
{
  auto o = std::make_shared<ConfigOptions>();
  auto* cmd =
    app.add_subcommand("config",
                       "Show every setting in effect and where it came from "
                       "(flag, environment, file:line, default)");
  cmd->add_option(
    "KEY",
    o->key,
    "print only this setting's value (with --json, only its entry)");
  cmd->add_option(
    "--config",
    o->config,
    "config file (default: GPX_CONFIG or $XDG_CONFIG_HOME/gpx/config.toml)");
  cmd->add_option(
    "--cache-dir",
    o->cache_dir,
    "the cache dir, as a command's --cache-dir flag would set it");
  cmd->add_flag(
    "--json",
    o->json,
    "print the settings as JSON (schema: docs/gpx.schema.json, $defs/config)");
  cmd->footer(
    "Precedence: flag > environment (GPX_*) > config file > default. "
    "Credentials in URLs are redacted.\n\n"
    "Examples:\n"
    "  gpx config\n"
    "  gpx config max_size\n"
    "  gpx config --json");
  cmd->callback([o, &ctx] { ctx.exit_code = run_config(*o); });
}

} // namespace gpx::cli
