#pragma once

// Environment variables that override `go env -w`. The go command reads a
// variable from the environment before its settings file (cfg.Getenv), so
// a GOPROXY exported by a shell profile makes every `go env -w` — gpx init's
// included — silently ineffective. Doctor and init name the variable, where
// it is likely set, and the fix.

#include "go_env.hpp"

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::cli {

// The go settings gpx cares about that an environment variable can override.
std::span<const std::string_view> overridable_go_vars();

struct EnvOverride
{
  std::string name;                      // GOPROXY …
  std::string env_value;                 // what the environment says (wins)
  std::optional<std::string> file_value; // what go env -w wrote, if anything
  std::vector<std::string>
    set_in; // "FILE:LINE" of likely origins (shell profiles)
};

// Reads a variable of this process's environment; nullopt when unset.
using GetEnv = std::function<std::optional<std::string>(const std::string&)>;
std::optional<std::string> process_getenv(const std::string& name);

// Each of names set to a non-empty value in the environment (an empty one
// does not override: the go command then reads its file), with the go env
// file's value and the lines of the shell profiles under home that set it.
std::vector<EnvOverride> go_env_overrides(
  const GoEnvFile& file,
  std::span<const std::string_view> names = overridable_go_vars(),
  const GetEnv& getenv = process_getenv,
  const std::filesystem::path& home = {});

// The files a login or interactive shell reads that set NAME (`export
// NAME=`, `NAME=`, `set -x NAME`, `setenv NAME`), as "FILE:LINE", in the order
// shells read them. Files larger than 1 MiB are skipped.
std::vector<std::string>
profile_lines_setting(std::string_view name, const std::filesystem::path& home);

// One line saying what happens: "GOPROXY=… is set in the environment and
// overrides 'go env -w' (which has …)".
std::string override_message(const EnvOverride& o);
// The exact fix: where to remove it, and how to clear it in this shell.
std::string override_fix(const EnvOverride& o);

} // namespace gpx::cli
