#include "settings.hpp"

#include <agent/proxy_list.hpp>
#include <cache/layout.hpp>
#include <gomod/format.hpp>

#include <cstdlib>

namespace fs = std::filesystem;

namespace gpx::cli {

Result<agent::Config>
load_settings(const std::string& cache_dir_flag, const std::string& config_flag)
{
  auto dirs = cache::default_dirs();
  if (!dirs) {
    return dirs.error();
  }
  agent::ConfigOverrides flags;
  if (!cache_dir_flag.empty()) {
    flags["cache_dir"] = fs::absolute(cache_dir_flag).string();
  }
  bool explicit_config =
    !config_flag.empty() || std::getenv("GPX_CONFIG") != nullptr;
  return agent::load_config(config_flag.empty() ? dirs->config_file
                                                : fs::path(config_flag),
                            explicit_config,
                            dirs->cache_dir,
                            flags);
}

Result<std::unique_ptr<cache::Store>>
open_cache(const agent::Config& config)
{
  std::error_code ec;
  if (!fs::exists(config.cache_dir / "index.db", ec)) {
    return Error::not_found(
      format("no gpx cache at {} (the agent creates it on first start; check "
             "--cache-dir or GPX_CACHE_DIR)",
             config.cache_dir.string()));
  }
  return cache::Store::open(config.cache_dir);
}

Result<ConfiguredCache>
open_configured_cache(const std::string& cache_dir_flag)
{
  auto config = load_settings(cache_dir_flag);
  if (!config) {
    return config.error();
  }
  auto store = open_cache(*config);
  if (!store) {
    return store.error();
  }
  return ConfiguredCache{std::move(*config), std::move(*store)};
}

std::string
redact_list(std::string_view list)
{
  std::string out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= list.size(); ++i) {
    if (i == list.size() || list[i] == ',' || list[i] == '|' || list[i] == '\n'
        || list[i] == ' ') {
      auto token = list.substr(start, i - start);
      auto eq = token.find('=');
      auto url_at = eq != std::string_view::npos && token.find("://") > eq
                      ? eq + 1
                      : 0; // git_remotes: PREFIX=URL
      out += std::string(token.substr(0, url_at))
             + agent::redact_url(token.substr(url_at));
      if (i < list.size()) {
        out += list[i];
      }
      start = i + 1;
    }
  }
  return out;
}

std::string
human_size(std::int64_t bytes)
{
  static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? format("{} B", bytes) : format("{:.1f} {}", v, units[u]);
}

Result<cache::ProofOptions>
proof_options(const agent::Config& config)
{
  auto db = gomod::sumdb::parse_gosumdb(config.sumdb);
  if (!db) {
    return db.error().wrap("sumdb");
  }
  return cache::ProofOptions{
    *db, config.private_patterns, config.nosumdb_patterns};
}

} // namespace gpx::cli
