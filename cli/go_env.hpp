#pragma once

// The go command's user settings (the file `go env -w` writes, $GOENV or
// $XDG_CONFIG_HOME/go/env), read as cmd/go/internal/cfg reads it and changed
// only through `go env -w` / `go env -u`, so the go command stays the one
// that decides what is valid.

#include <gomod/result.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gpx::cli {

struct GoEnvFile
{
  std::filesystem::path path;
  std::map<std::string, std::string>
    values; // as set in the file; absent = unset
};

// `go env NAME…`: one value per name, as the go command sees them (its
// settings file, the environment and its defaults merged), with env
// (NAME=VALUE) added to this process's environment.
Result<std::vector<std::string>>
go_env_values(const std::vector<std::string>& names,
              const std::vector<std::string>& env = {});

// Asks `go env GOENV` where the file is and reads it.
Result<GoEnvFile> read_go_env_file();

// One `go env -w` for the values, one `go env -u` for the nullopts.
Status
write_go_env(const std::map<std::string, std::optional<std::string>>& changes);

} // namespace gpx::cli
