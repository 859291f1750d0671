#include "layout.hpp"

#include <cstdlib>

namespace fs = std::filesystem;

namespace gpx::cache {

namespace {

// $VAR if set and absolute (the XDG spec says relative values are invalid and
// must be ignored), else $HOME/fallback.
Result<fs::path>
xdg_dir(const char* var, const char* home_fallback)
{
  if (const char* v = std::getenv(var); v != nullptr && *v == '/') {
    return fs::path(v);
  }
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    return Error::invalid(
      std::string("neither ") + var
      + " nor HOME is set; set GPX_CACHE_DIR and GPX_CONFIG explicitly");
  }
  return fs::path(home) / home_fallback;
}

} // namespace

std::string_view
kind_extension(Kind kind)
{
  switch (kind) {
  case Kind::info:
    return ".info";
  case Kind::mod:
    return ".mod";
  case Kind::zip:
    return ".zip";
  }
  return "";
}

Result<Dirs>
default_dirs()
{
  Dirs d;
  auto config_home = xdg_dir("XDG_CONFIG_HOME", ".config");
  auto cache_home = xdg_dir("XDG_CACHE_HOME", ".cache");
  auto state_home = xdg_dir("XDG_STATE_HOME", ".local/state");

  if (const char* c = std::getenv("GPX_CONFIG"); c != nullptr && *c != '\0') {
    d.config_file = c;
  } else if (config_home) {
    d.config_file = *config_home / "gpx" / "config.toml";
  } else {
    return config_home.error();
  }
  if (const char* c = std::getenv("GPX_CACHE_DIR");
      c != nullptr && *c != '\0') {
    d.cache_dir = c;
  } else if (cache_home) {
    d.cache_dir = *cache_home / "gpx";
  } else {
    return cache_home.error();
  }
  if (!state_home) {
    return state_home.error();
  }
  d.state_dir = *state_home / "gpx";
  return d;
}

Result<fs::path>
artifact_path(const gomod::Version& v, Kind kind)
{
  GPX_TRY(gomod::check_path(v.path));
  auto escaped_path = gomod::escape_path(v.path);
  if (!escaped_path) {
    return escaped_path.error();
  }
  auto escaped_version = gomod::escape_version(v.version);
  if (!escaped_version) {
    return escaped_version.error();
  }
  return fs::path("download") / *escaped_path / "@v"
         / (*escaped_version + std::string(kind_extension(kind)));
}

Result<fs::path>
list_path(std::string_view module_path)
{
  GPX_TRY(gomod::check_path(module_path));
  auto escaped_path = gomod::escape_path(module_path);
  if (!escaped_path) {
    return escaped_path.error();
  }
  return fs::path("download") / *escaped_path / "@v" / "list";
}

std::optional<gomod::Version>
sumdb_lookup_version(std::string_view op)
{
  if (!op.starts_with("lookup/")) {
    return std::nullopt;
  }
  auto mv = op.substr(7);
  auto at = mv.rfind('@');
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  auto path = gomod::unescape_path(mv.substr(0, at));
  auto version = gomod::unescape_version(mv.substr(at + 1));
  if (!path || !version || !gomod::check(*path, *version)) {
    return std::nullopt;
  }
  return gomod::Version{*path, *version};
}

} // namespace gpx::cache
