#pragma once

// Where gpx keeps things. Config, cache and state follow the XDG base
// directory spec so that a developer finds them where other tools keep
// theirs; GPX_CONFIG and GPX_CACHE_DIR override for tests and containers.
// Inside the cache dir, download/ uses the GOPROXY layout (the same as
// $GOMODCACHE/cache/download), so GOPROXY=file://…/download works as a
// fallback and an existing module cache can be imported by copy.

#include <gomod/module.hpp>
#include <gomod/result.hpp>

#include <filesystem>
#include <optional>
#include <string_view>

namespace gpx::cache {

enum class Kind { info, mod, zip };

std::string_view kind_extension(Kind kind); // ".info", ".mod", ".zip"

struct Dirs
{
  std::filesystem::path
    config_file; // $GPX_CONFIG or $XDG_CONFIG_HOME/gpx/config.toml
  std::filesystem::path cache_dir; // $GPX_CACHE_DIR or $XDG_CACHE_HOME/gpx
  std::filesystem::path state_dir; // $XDG_STATE_HOME/gpx (pid, token, logs)
};

// Resolves the directories from the environment; fails only when neither
// the XDG variable nor HOME is set.
Result<Dirs> default_dirs();

// download/<escaped module>/@v/<escaped version><ext>, relative to the cache
// dir. Fails for an invalid module path or version, so a caller can never
// build a path outside the cache from bad input.
Result<std::filesystem::path> artifact_path(const gomod::Version& v, Kind kind);
// download/<escaped module>/@v/list
Result<std::filesystem::path> list_path(std::string_view module_path);

// The module version a checksum database lookup names: "lookup/ESC@ESCV"
// (as asked of the database, or the tail of a cached path) → {path,
// version}; nullopt for anything else or an invalid module version.
std::optional<gomod::Version> sumdb_lookup_version(std::string_view op);

} // namespace gpx::cache
