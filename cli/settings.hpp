#pragma once

// The agent's settings as a CLI command sees them: config file (--config or
// GPX_CONFIG or the XDG default), environment, then the command's own
// --cache-dir. Commands that touch the cache open it from here, so they
// work on any agent's cache.

#include <agent/config.hpp>
#include <cache/store.hpp>
#include <cache/sumdb_store.hpp>

#include <memory>
#include <string>

namespace gpx::cli {

Result<agent::Config> load_settings(const std::string& cache_dir_flag,
                                    const std::string& config_flag = {});

// Opens an existing cache; a missing one is an error that says where it
// looked (a typo in --cache-dir must not create a new, empty cache).
Result<std::unique_ptr<cache::Store>> open_cache(const agent::Config& config);

// A setting with every URL's password hidden, for output: a GOPROXY list,
// git_remotes rules (PREFIX=URL), a sumdb setting (name URL).
std::string redact_list(std::string_view list);

// Settings and the cache they name, for the commands that only read or
// tidy a cache (ls, stats, verify).
struct ConfiguredCache
{
  agent::Config config;
  std::unique_ptr<cache::Store> store;
};
Result<ConfiguredCache>
open_configured_cache(const std::string& cache_dir_flag);

// Which modules the cache proves against which checksum database, from the
// sumdb, private and nosumdb settings.
Result<cache::ProofOptions> proof_options(const agent::Config& config);

// 1536 → "1.5 KiB", as people read sizes.
std::string human_size(std::int64_t bytes);

} // namespace gpx::cli
