#pragma once

// `gpx prefetch --build-only`: the module versions whose packages `go
// build` of the main modules needs, as the go command itself lists them
// (`go list -deps MAIN/...` for each main module, no tests), through the
// agent and into a throw-away module cache. The project's go.mod and go.sum
// are never written: in a module the go command works on copies
// (-modfile), and a workspace allows only -mod=readonly anyway.

#include "project.hpp"

#include <gomod/result.hpp>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::cli {

// go list's lines, "path@version" of each package's module ("" for the
// standard library and main modules): the set of module versions.
std::set<std::string> parse_module_lines(std::string_view out);

// The go list command line and the environment it runs in (NAME=VALUE),
// for the project, the agent and a scratch directory.
struct GoListCommand
{
  std::vector<std::string> argv;
  std::vector<std::string> env;
};
GoListCommand go_list_command(const Project& project,
                              const std::string& agent_url,
                              const std::string& scratch);

Result<std::set<std::string>> build_modules(const Project& project,
                                            const std::string& agent_url);

} // namespace gpx::cli
