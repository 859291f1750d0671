#include "go_env_override.hpp"

#include "settings.hpp"

#include <cache/atomic_file.hpp>
#include <gomod/format.hpp>

#include <array>
#include <cstdlib>

namespace fs = std::filesystem;

namespace gpx::cli {

namespace {

// GOFLAGS too: an exported -mod= or -insecure changes what every go command
// does, whatever go env -w says.
constexpr std::array<std::string_view, 5> k_vars = {
  "GOPROXY", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOFLAGS"};

// The shells' startup files, in the order bash, zsh and fish read them,
// then the system-wide ones.
constexpr std::array<std::string_view, 9> k_user_profiles = {
  ".profile",
  ".bash_profile",
  ".bash_login",
  ".bashrc",
  ".zshenv",
  ".zprofile",
  ".zshrc",
  ".config/fish/config.fish",
  ".pam_environment"};
constexpr std::array<std::string_view, 3> k_system_profiles = {
  "/etc/environment", "/etc/profile", "/etc/bash.bashrc"};

constexpr std::uintmax_t k_max_profile_size = 1u << 20;

bool
sets(std::string_view line, std::string_view name)
{
  auto trim = [](std::string_view& s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
      s.remove_prefix(1);
    }
  };
  trim(line);
  for (std::string_view prefix :
       {"export ", "setenv ", "set -gx ", "set -x ", "set -Ux "}) {
    if (line.starts_with(prefix)) {
      line.remove_prefix(prefix.size());
      trim(line);
      break;
    }
  }
  if (!line.starts_with(name)) {
    return false;
  }
  line.remove_prefix(name.size());
  return !line.empty()
         && (line.front() == '=' || line.front() == ' '
             || line.front() == '\t');
}

void
scan(const fs::path& file, std::string_view name, std::vector<std::string>& out)
{
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (ec || size > k_max_profile_size) {
    return;
  }
  auto text = cache::read_small_file(file);
  if (!text) {
    return;
  }
  std::string_view rest = *text;
  for (int line = 1; !rest.empty(); ++line) {
    auto nl = rest.find('\n');
    if (sets(rest.substr(0, nl), name)) {
      out.push_back(format("{}:{}", file.string(), line));
    }
    rest =
      nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
}

} // namespace

std::span<const std::string_view>
overridable_go_vars()
{
  return k_vars;
}

std::optional<std::string>
process_getenv(const std::string& name)
{
  const char* v = std::getenv(name.c_str());
  return v == nullptr ? std::nullopt : std::optional<std::string>(v);
}

std::vector<std::string>
profile_lines_setting(std::string_view name, const fs::path& home)
{
  std::vector<std::string> out;
  if (!home.empty()) {
    for (auto f : k_user_profiles) {
      scan(home / f, name, out);
    }
  }
  for (auto f : k_system_profiles) {
    scan(f, name, out);
  }
  return out;
}

std::vector<EnvOverride>
go_env_overrides(const GoEnvFile& file,
                 std::span<const std::string_view> names,
                 const GetEnv& getenv,
                 const fs::path& home)
{
  fs::path profiles_home = home;
  if (profiles_home.empty()) {
    if (auto h = getenv("HOME"); h && !h->empty()) {
      profiles_home = *h;
    }
  }
  std::vector<EnvOverride> out;
  for (auto name : names) {
    auto value = getenv(std::string(name));
    if (!value || value->empty()) {
      continue;
    }
    EnvOverride o{std::string(name),
                  *value,
                  std::nullopt,
                  profile_lines_setting(name, profiles_home)};
    if (auto it = file.values.find(o.name); it != file.values.end()) {
      o.file_value = it->second;
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::string
override_message(const EnvOverride& o)
{
  return format(
    "{}={} is set in the environment and overrides 'go env -w' ({})",
    o.name,
    redact_list(o.env_value),
    o.file_value ? format("which has {}={}", o.name, redact_list(*o.file_value))
                 : std::string("which sets nothing for it"));
}

std::string
override_fix(const EnvOverride& o)
{
  std::string where;
  if (o.set_in.empty()) {
    where = format(
      "remove 'export {}=…' from where it is set (a shell profile such as "
      "~/.bashrc, ~/.zshrc or ~/.profile, "
      "your IDE's or CI's environment)",
      o.name);
  } else {
    std::string files;
    for (const auto& f : o.set_in) {
      files += (files.empty() ? "" : ", ") + f;
    }
    where = format("remove the line setting {} at {}", o.name, files);
  }
  return format(
    "{}, then open a new shell; in this one, run 'unset {}'", where, o.name);
}

} // namespace gpx::cli
