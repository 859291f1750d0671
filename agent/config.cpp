#include "config.hpp"

#include <agent/http_client.hpp>
#include <agent/repo_locator.hpp>
#include <agent/suggest.hpp>
#include <cache/log.hpp>
#include <gomod/format.hpp>
#include <gomod/sumdb_client.hpp>

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <vector>

namespace fs = std::filesystem;

namespace gpx::agent {

namespace {

constexpr std::array k_keys = {
  ConfigKey{"listen",
            "GPX_LISTEN",
            "127.0.0.1:7070",
            "loopback address the agent listens on; port 0 picks a free port"},
  ConfigKey{"cache_dir",
            "GPX_CACHE_DIR",
            "$XDG_CACHE_HOME/gpx",
            "where artifacts and the index live"},
  ConfigKey{"upstream",
            "GPX_UPSTREAM",
            "https://proxy.golang.org,direct",
            "upstream chain in GOPROXY syntax (`,` falls through on 404/410, "
            "`|` on any error, `off`)"},
  ConfigKey{"private",
            "GPX_PRIVATE",
            "",
            "GOPRIVATE-style globs of private module paths: never sent to a "
            "public proxy or checksum DB"},
  ConfigKey{"git_remotes",
            "GPX_GIT_REMOTES",
            "",
            "where private modules' git repositories are: `PREFIX=URL` rules, "
            "comma-separated; `*` in PREFIX matches one path element, `{root}` "
            "in URL is the matched prefix and `{path}` the prefix without its "
            "host; the longest matching prefix wins (otherwise the go "
            "command's rules and go-get discovery apply)"},
  ConfigKey{"git_ssh_key",
            "GPX_GIT_SSH_KEY",
            "",
            "private key for ssh git remotes, tried after the ssh-agent; empty "
            "tries ~/.ssh/id_ed25519, id_ecdsa, id_rsa"},
  ConfigKey{"git_mirror_max_age",
            "GPX_GIT_MIRROR_MAX_AGE",
            "30d",
            "a git mirror no request has used for this long is removed (its "
            "cached module versions stay); 0 keeps mirrors forever"},
  ConfigKey{"git_credential_helper",
            "GPX_GIT_CREDENTIAL_HELPER",
            "true",
            "for https git remotes without a netrc entry, ask `git credential "
            "fill` (the user's credential helpers; never prompts)"},
  ConfigKey{"sumdb",
            "GPX_SUMDB",
            "sum.golang.org",
            "checksum database every public module is proven against before it "
            "is cached, and proxied under /sumdb/; GOSUMDB forms: a known "
            "name, `name+hash+key`, either followed by the database's URL, or "
            "`off` (nothing is proven)"},
  ConfigKey{
    "nosumdb",
    "GPX_NOSUMDB",
    "",
    "GONOSUMDB-style globs of public module paths no checksum database knows "
    "(served unproven; `private` paths are never looked up either)"},
  ConfigKey{"offline", "GPX_OFFLINE", "false", "serve from the cache only"},
  ConfigKey{"list_ttl",
            "GPX_LIST_TTL",
            "1m",
            "how long list, @latest and query answers stay fresh"},
  ConfigKey{"negative_ttl",
            "GPX_NEGATIVE_TTL",
            "30s",
            "how long a 404/410 from upstream is remembered"},
  ConfigKey{"stale_while_revalidate",
            "GPX_STALE_WHILE_REVALIDATE",
            "false",
            "answer stale list/@latest at once and refresh in the background"},
  ConfigKey{"connect_timeout",
            "GPX_CONNECT_TIMEOUT",
            "10s",
            "give up on an upstream that does not accept the connection within "
            "this time"},
  ConfigKey{"stall_timeout",
            "GPX_STALL_TIMEOUT",
            "30s",
            "abandon an upstream transfer slower than 1 KiB/s for this long"},
  ConfigKey{"max_size",
            "GPX_MAX_SIZE",
            "10GiB",
            "cache size budget; least recently used artifacts go first"},
  ConfigKey{"split_size",
            "GPX_SPLIT_SIZE",
            "16MiB",
            "a zip larger than this is fetched as byte ranges, up to "
            "`split_parts` at once, where the upstream serves ranges over "
            "HTTP/1.1 (one request otherwise: over HTTP/2 the ranges would "
            "share one connection); 0 never splits"},
  ConfigKey{"split_parts",
            "GPX_SPLIT_PARTS",
            "4",
            "how many ranges of a split download run at once (2 to 16)"},
  ConfigKey{"upstream_connections",
            "GPX_UPSTREAM_CONNECTIONS",
            "8",
            "most upstream transfers at once, each on its own connection "
            "(1 to 64); more requests wait for one to end, and a split "
            "download's extra ranges use only free ones, handed back between "
            "ranges while a request waits"},
  ConfigKey{"upstream_idle",
            "GPX_UPSTREAM_IDLE",
            "60s",
            "after this long without an upstream transfer, close the upstream "
            "connections and unload libcurl, so the agent returns to its idle "
            "size (the next miss loads it again, a few ms, and reconnects); 0 "
            "keeps them"},
  ConfigKey{"ca_file",
            "GPX_CA_FILE",
            "",
            "PEM bundle to trust for upstream TLS instead of the system's"},
  ConfigKey{"client_cert",
            "GPX_CLIENT_CERT",
            "",
            "PEM client certificate for upstream TLS"},
  ConfigKey{
    "client_key", "GPX_CLIENT_KEY", "", "PEM private key of client_cert"},
  ConfigKey{"log_level", "GPX_LOG_LEVEL", "info", "error, warn, info or debug"},
  ConfigKey{"log_max_size",
            "GPX_LOG_MAX_SIZE",
            "10MiB",
            "the background agent's log is rotated (one old copy, agent.log.1) "
            "past this size"},
};

Result<bool>
parse_bool(std::string_view text)
{
  if (text == "true" || text == "1" || text == "yes" || text == "on") {
    return true;
  }
  if (text == "false" || text == "0" || text == "no" || text == "off"
      || text.empty()) {
    return false;
  }
  return Error::invalid(
    format("not a boolean: {:?} (use true or false)", text));
}

// A value its parser refused, named by its key.
Error
invalid_value(std::string_view key, const Error& e)
{
  return Error::invalid(format("{}: {}", key, e.message));
}

// A text value's check, for the keys that have a parser.
Status
check_text(std::string_view key, const std::string& value)
{
  if (key == "sumdb") {
    if (auto db = gomod::sumdb::parse_gosumdb(value); !db) {
      return invalid_value(key, db.error());
    }
  } else if (key == "git_remotes") {
    if (auto rules = parse_git_rules(value); !rules) {
      return rules.error();
    }
  } else if (key == "log_level") {
    if (auto level = cache::log::parse_level(value); !level) {
      return invalid_value(key, level.error());
    }
  }
  return {};
}

// A whole number from min to max.
Result<int>
parse_count(std::string_view key, std::string_view value, int min, int max)
{
  int n = 0;
  auto [end, ec] =
    std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < min
      || n > max) {
    return Error::invalid(format(
      "{}: want a whole number from {} to {}, not {:?}", key, min, max, value));
  }
  return n;
}

// The keys kept as text (checked first where they have a parser): nullopt
// for any other key.
std::optional<Status>
apply_text(Config& c, std::string_view key, const std::string& value)
{
  static constexpr std::pair<std::string_view, std::string Config::*>
    k_text_fields[] = {
      {"listen", &Config::listen},
      {"upstream", &Config::upstream},
      {"private", &Config::private_patterns},
      {"sumdb", &Config::sumdb},
      {"nosumdb", &Config::nosumdb_patterns},
      {"git_remotes", &Config::git_remotes},
      {"git_ssh_key", &Config::git_ssh_key},
      {"ca_file", &Config::ca_file},
      {"client_cert", &Config::client_cert},
      {"client_key", &Config::client_key},
      {"log_level", &Config::log_level},
    };
  if (key == "cache_dir") {
    c.cache_dir = value;
    return Status{};
  }
  for (const auto& [name, field] : k_text_fields) {
    if (name == key) {
      GPX_TRY(check_text(key, value));
      c.*field = value;
      return Status{};
    }
  }
  return std::nullopt;
}

// The keys parsed into booleans, durations, counts and sizes: nullopt for
// any other key.
std::optional<Status>
apply_parsed(Config& c, std::string_view key, const std::string& value)
{
  if (key == "offline" || key == "stale_while_revalidate"
      || key == "git_credential_helper") {
    auto b = parse_bool(value);
    if (!b) {
      return invalid_value(key, b.error());
    }
    (key == "offline"                 ? c.offline
     : key == "git_credential_helper" ? c.git_credential_helper
                                      : c.stale_while_revalidate) = *b;
  } else if (key == "git_mirror_max_age" || key == "upstream_idle") {
    auto d = parse_duration(value);
    if (!d) {
      return invalid_value(key, d.error());
    }
    (key == "upstream_idle" ? c.upstream_idle : c.git_mirror_max_age) = *d;
  } else if (key == "list_ttl" || key == "negative_ttl"
             || key == "connect_timeout" || key == "stall_timeout") {
    auto d = parse_duration(value);
    if (!d) {
      return invalid_value(key, d.error());
    }
    if ((key == "connect_timeout" || key == "stall_timeout")
        && d->count() == 0) {
      return Error::invalid(format("{}: must be at least 1s", key));
    }
    std::chrono::seconds& field = key == "list_ttl"          ? c.list_ttl
                                  : key == "negative_ttl"    ? c.negative_ttl
                                  : key == "connect_timeout" ? c.connect_timeout
                                                             : c.stall_timeout;
    field = *d;
  } else if (key == "split_parts" || key == "upstream_connections") {
    bool parts = key == "split_parts";
    auto n = parse_count(key, value, parts ? 2 : 1, parts ? 16 : 64);
    if (!n) {
      return n.error();
    }
    (parts ? c.split_parts : c.upstream_connections) = *n;
  } else if (key == "max_size" || key == "log_max_size"
             || key == "split_size") {
    auto s = parse_size(value);
    if (!s) {
      return invalid_value(key, s.error());
    }
    (key == "max_size"     ? c.max_size
     : key == "split_size" ? c.split_size
                           : c.log_max_size) = *s;
  } else {
    return std::nullopt;
  }
  return Status{};
}

// Applies one textual value to its field; the caller adds where it came from.
Status
apply(Config& c, std::string_view key, const std::string& value)
{
  if (auto done = apply_text(c, key, value)) {
    return *done;
  }
  if (auto done = apply_parsed(c, key, value)) {
    return *done;
  }
  std::vector<std::string> names;
  for (const auto& k : k_keys) {
    names.emplace_back(k.name);
  }
  auto near = closest(key, names);
  return Error::invalid(
    format("unknown key {:?}{}",
           key,
           near ? format(" (did you mean {:?}?)", *near) : ""));
}

// A TOML value as the text the other sources would give. The type is
// checked before the value is read: toml++'s value<int64_t>() converts a
// float, and one past int64's range with undefined behaviour.
std::optional<std::string>
toml_text(const toml::node& node)
{
  if (const auto* s = node.as_string()) {
    return s->get();
  }
  if (const auto* b = node.as_boolean()) {
    return b->get() ? "true" : "false";
  }
  if (const auto* i = node.as_integer()) {
    return std::to_string(i->get());
  }
  return std::nullopt;
}

} // namespace

std::span<const ConfigKey>
config_keys()
{
  return k_keys;
}

Result<std::uint64_t>
parse_size(std::string_view text)
{
  auto bad = [&] {
    return Error::invalid(
      format("not a size: {:?} (use e.g. 500MB or 10GiB)", text));
  };
  std::uint64_t number = 0;
  auto [end, ec] =
    std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data()) {
    return bad();
  }
  std::string unit(end, text.data() + text.size());
  while (!unit.empty() && unit.front() == ' ') {
    unit.erase(0, 1);
  }
  static const std::array<std::pair<std::string_view, std::uint64_t>, 14>
    k_units = {{
      {"", 1},
      {"B", 1},
      {"K", 1000},
      {"KB", 1000},
      {"M", 1000 * 1000},
      {"MB", 1000 * 1000},
      {"G", 1000 * 1000 * 1000},
      {"GB", 1000 * 1000 * 1000},
      {"T", 1000ull * 1000 * 1000 * 1000},
      {"TB", 1000ull * 1000 * 1000 * 1000},
      {"KiB", 1024},
      {"MiB", 1024 * 1024},
      {"GiB", 1024 * 1024 * 1024},
      {"TiB", 1ull << 40},
    }};
  for (const auto& [name, factor] : k_units) {
    if (unit == name) {
      if (number > UINT64_MAX / factor) {
        return bad();
      }
      return number * factor;
    }
  }
  return bad();
}

Result<std::chrono::seconds>
parse_duration(std::string_view text)
{
  auto bad = [&] {
    return Error::invalid(
      format("not a duration: {:?} (use e.g. 90d, 12h, 30m or 45s)", text));
  };
  if (text.empty()) {
    return bad();
  }
  if (text == "0") {
    return std::chrono::seconds(0); // needs no unit: "0 keeps them forever"
  }
  std::int64_t total = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
    if (ec != std::errc() || end == rest.data()
        || end == rest.data() + rest.size() || n < 0) {
      return bad();
    }
    std::int64_t factor = 0;
    switch (*end) {
    case 'd':
      factor = 86400;
      break;
    case 'h':
      factor = 3600;
      break;
    case 'm':
      factor = 60;
      break;
    case 's':
      factor = 1;
      break;
    default:
      return bad();
    }
    // Checked, not wrapped: a wrapped total could come out negative.
    if (n > (INT64_MAX - total) / factor) {
      return bad();
    }
    total += n * factor;
    rest = std::string_view(
      end + 1, static_cast<std::size_t>(rest.data() + rest.size() - end - 1));
  }
  return std::chrono::seconds(total);
}

Result<Config>
load_config(const fs::path& file,
            bool file_required,
            const fs::path& default_cache_dir,
            const ConfigOverrides& flags)
{
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    if (file_required) {
      return Error::io(
        format("{}: config file not found (unset GPX_CONFIG, or create it)",
               file.string()));
    }
    return load_config_text(
      std::nullopt, file.string(), default_cache_dir, flags);
  }
  std::ifstream in(file, std::ios::binary);
  std::string text;
  // A config is a few hundred bytes; a bigger file is no config.
  constexpr std::size_t k_max_config = 1 << 20;
  text.resize(k_max_config + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad() || (!in && !in.eof())) {
    return Error::io(format("{}: cannot read the config file", file.string()));
  }
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > k_max_config) {
    return Error::invalid(
      format("{}: larger than 1 MiB: not a gpx config", file.string()));
  }
  return load_config_text(text, file.string(), default_cache_dir, flags);
}

Result<Config>
load_config_text(const std::optional<std::string>& text,
                 const std::string& name,
                 const fs::path& default_cache_dir,
                 const ConfigOverrides& flags)
{
  Config c;
  auto settle = [&c](std::string_view key,
                     std::string value,
                     std::string source,
                     std::string where) {
    c.origins[std::string(key)] =
      ConfigOrigin{std::move(value), std::move(source), std::move(where)};
  };
  for (const auto& k : k_keys) {
    if (k.name == "cache_dir") {
      c.cache_dir = default_cache_dir;
      settle(k.name, default_cache_dir.string(), "default", "");
      continue;
    }
    GPX_TRY(apply(c, k.name, std::string(k.default_text)));
    settle(k.name, std::string(k.default_text), "default", "");
  }

  if (text) {
    toml::table table;
    try {
      table = toml::parse(*text, name);
    } catch (const toml::parse_error& e) {
      return Error::invalid(
        format("{}:{}: {}", name, e.source().begin.line, e.description()));
    }
    for (const auto& [key, node] : table) {
      auto line = node.source().begin.line;
      auto value = toml_text(node);
      if (!value) {
        return Error::invalid(
          format("{}:{}: {}: want a string, number or boolean",
                 name,
                 line,
                 key.str()));
      }
      if (auto ok = apply(c, key.str(), *value); !ok) {
        bool unknown =
          ok.error().message.starts_with("unknown key")
          && ok.error().message.find("did you mean") == std::string::npos;
        return Error::invalid(
          format("{}:{}: {}{}",
                 name,
                 line,
                 ok.error().message,
                 unknown ? " (the keys are in the README's configuration "
                           "table, /usr/share/doc/gpx/README.md)"
                         : ""));
      }
      settle(key.str(), *value, "file", format("{}:{}", name, line));
    }
  }

  for (const auto& k : k_keys) {
    if (const char* v = std::getenv(std::string(k.env).c_str()); v != nullptr) {
      if (auto ok = apply(c, k.name, v); !ok) {
        return Error::invalid(
          format("environment {}: {}", k.env, ok.error().message));
      }
      settle(k.name, v, "environment", std::string(k.env));
    }
  }
  for (const auto& [key, value] : flags) {
    if (auto ok = apply(c, key, value); !ok) {
      return Error::invalid(format("--{}: {}", key, ok.error().message));
    }
    std::string flag = "--" + key;
    std::replace(flag.begin(), flag.end(), '_', '-');
    settle(key, value, "flag", flag);
  }
  return c;
}

namespace {

std::string
toml_quote(std::string_view v)
{
  std::string out = "\"";
  for (unsigned char ch : v) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch < 0x20 || ch == 0x7f) {
      out += format("\\u{:04X}", static_cast<unsigned>(ch));
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out + "\"";
}

// The key a top-level line "  key = …" sets, or "" for anything else.
std::string_view
line_key(std::string_view line)
{
  auto start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) {
    return {};
  }
  auto end = line.find_first_of(" \t=", start);
  if (end == std::string_view::npos) {
    return {};
  }
  auto eq = line.find_first_not_of(" \t", end);
  if (eq == std::string_view::npos || line[eq] != '=') {
    return {};
  }
  return line.substr(start, end - start);
}

} // namespace

Result<std::string>
set_config_values(std::string_view text,
                  const std::map<std::string, std::string, std::less<>>& values)
{
  for (const auto& [key, value] : values) {
    // An init-capture: clang before 16 cannot capture a structured binding.
    if (std::none_of(
          k_keys.begin(), k_keys.end(), [&name = key](const ConfigKey& k) {
            return k.name == name;
          })) {
      return Error::invalid(format("unknown config key {:?}", key));
    }
  }
  std::vector<std::string> lines;
  for (std::size_t pos = 0; pos < text.size();) {
    auto nl = text.find('\n', pos);
    auto end = nl == std::string_view::npos ? text.size() : nl;
    lines.emplace_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  auto first_table = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto t = lines[i].find_first_not_of(" \t");
    if (t != std::string::npos && lines[i][t] == '[') {
      first_table = i;
      break;
    }
  }
  std::vector<std::string> added;
  for (const auto& [key, value] : values) {
    auto line = key + " = " + toml_quote(value);
    bool replaced = false;
    for (std::size_t i = 0; i < first_table; ++i) {
      if (line_key(lines[i]) == key) {
        lines[i] = line;
        replaced = true;
      }
    }
    if (!replaced) {
      added.push_back(line);
    }
  }
  // New keys go after the last top-level line, before any table.
  auto at = first_table;
  while (at > 0
         && lines[at - 1].find_first_not_of(" \t") == std::string::npos) {
    --at;
  }
  lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at),
               added.begin(),
               added.end());
  std::string out;
  for (const auto& l : lines) {
    out += l + "\n";
  }
  // The result must load as a config: never write a file the agent refuses.
  try {
    auto table = toml::parse(out);
    Config probe;
    for (const auto& [key, node] : table) {
      auto v = toml_text(node);
      if (!v) {
        return Error::invalid(
          format("{}: want a string, number or boolean", key.str()));
      }
      GPX_TRY(apply(probe, key.str(), *v));
    }
  } catch (const toml::parse_error& e) {
    return Error::invalid(
      format("line {}: {}", e.source().begin.line, e.description()));
  }
  return out;
}

HttpClientOptions
http_client_options(const Config& config)
{
  HttpClientOptions o;
  o.ca_file = config.ca_file;
  o.client_cert = config.client_cert;
  o.client_key = config.client_key;
  o.connect_timeout = config.connect_timeout;
  o.stall_timeout = config.stall_timeout;
  o.split_size = config.split_size;
  o.split_parts = config.split_parts;
  return o;
}

} // namespace gpx::agent
