#pragma once

// What gpx prefetch takes from the go command's settings: which modules are
// private, which checksum database verifies the others, and which
// toolchain a project makes the go command switch to.

#include "project.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::cli {

struct GoSettings
{
  std::string noproxy; // GONOPROXY (defaults to GOPRIVATE)
  std::string nosumdb; // GONOSUMDB (defaults to GOPRIVATE), plus the agent's
                       // private patterns
  std::string sumdb = "sum.golang.org";
};

// From GOPRIVATE, GONOPROXY, GONOSUMDB and GOSUMDB as given (absent or
// empty: the go command's default) and the agent's private patterns, which
// it serves from git: prefetched like the others, never looked up in a
// checksum database.
GoSettings go_settings_from(const std::map<std::string, std::string>& values,
                            const std::string& private_patterns);

// The same from `go env` when go is here (it merges the environment and
// go env -w), else from the environment alone.
GoSettings go_settings(const std::string& private_patterns);

// The database's name in a GOSUMDB value: "sum.golang.org+033de0ae+… URL"
// → "sum.golang.org"; "off" → "".
std::string sumdb_name(const std::string& gosumdb);

// The go command's toolchain switch (cmd/go/internal/toolchain): with
// GOTOOLCHAIN=auto, a toolchain line, or else a go line, newer than the
// local go makes it download golang.org/toolchain@v0.0.1-goV.GOOS-GOARCH and
// run that instead. Returns "goV", or "" when the local go will do. A go
// line that is only a language (1.21 and later, no patch) means that
// language's newest release among the toolchain module's `versions` for
// `platform` (GOOS-GOARCH).
std::string wanted_toolchain(const Project& p,
                             std::string_view local,
                             const std::vector<std::string>& versions,
                             std::string_view platform);

} // namespace gpx::cli
