#pragma once

// The agent's settings: one table in code (key, environment variable,
// default, description) that the README's configuration table mirrors; a
// unit test keeps the two in step. Precedence: flag > environment > file >
// default.

#include <gomod/result.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace gpx::agent {

struct ConfigKey
{
  std::string_view name; // key in config.toml
  std::string_view env;  // environment override
  std::string_view default_text;
  std::string_view description;
};

// Every key, in README order.
std::span<const ConfigKey> config_keys();

// Where a setting's value came from, for `gpx config`.
struct ConfigOrigin
{
  std::string
    value; // the text as given (credentials included: redact before showing)
  std::string source; // "default", "file", "environment" or "flag"
  std::string where; // FILE:LINE, the variable or the flag; empty for a default
};

struct Config
{
  std::string listen;
  std::filesystem::path cache_dir;
  std::string upstream;         // GOPROXY syntax
  std::string private_patterns; // GOPRIVATE syntax
  std::string git_remotes;      // GitRule list (parse_git_rules)
  std::string git_ssh_key;
  bool git_credential_helper = true;
  std::chrono::seconds git_mirror_max_age{};
  std::string sumdb;            // GOSUMDB form
  std::string nosumdb_patterns; // GONOSUMDB syntax
  bool offline = false;
  std::chrono::seconds list_ttl{};
  std::chrono::seconds negative_ttl{};
  bool stale_while_revalidate = false;
  std::chrono::seconds connect_timeout{};
  std::chrono::seconds stall_timeout{};
  std::uint64_t max_size = 0;
  std::uint64_t split_size = 0;
  int split_parts = 4;
  int upstream_connections = 8;
  std::chrono::seconds upstream_idle{};
  std::string ca_file;
  std::string client_cert;
  std::string client_key;
  std::string log_level;
  std::uint64_t log_max_size = 0;
  std::map<std::string, ConfigOrigin, std::less<>>
    origins; // every key, as load_config settled it
};

// Values given on the command line, by key name; they win over everything.
using ConfigOverrides = std::map<std::string, std::string, std::less<>>;

// Loads the configuration. A missing file is fine when it is the default
// location (embedded defaults apply); a missing file that was asked for
// explicitly (GPX_CONFIG or --config) is an error. `default_cache_dir` is
// the XDG location used when nothing sets cache_dir.
Result<Config> load_config(const std::filesystem::path& file,
                           bool file_required,
                           const std::filesystem::path& default_cache_dir,
                           const ConfigOverrides& flags = {});

// load_config on a config's text (nullopt: no file) named `name` in
// messages: a command can check a config it is about to write, or that
// another process will read, without a file of its own.
Result<Config> load_config_text(const std::optional<std::string>& text,
                                const std::string& name,
                                const std::filesystem::path& default_cache_dir,
                                const ConfigOverrides& flags = {});

// The config file's text with top-level keys set to values (quoted TOML
// strings): a key's line is replaced where it is, a new key is added before
// the first table; comments and every other line stay as they were. Fails
// if a key is unknown or the result would not load.
Result<std::string> set_config_values(
  std::string_view text,
  const std::map<std::string, std::string, std::less<>>& values);

struct HttpClientOptions;
// The TLS, client-certificate and timeout settings every HTTP client of the
// agent uses (upstreams, go-get discovery).
HttpClientOptions http_client_options(const Config& config);

// "20KB", "500MB", "5GiB", "1024" (bytes). KB/MB/GB are powers of 1000,
// KiB/MiB/GiB powers of 1024, as ccache reads them.
Result<std::uint64_t> parse_size(std::string_view text);
// "90d", "12h", "30m", "45s", "1h30m".
Result<std::chrono::seconds> parse_duration(std::string_view text);

} // namespace gpx::agent
