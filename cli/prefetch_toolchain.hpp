#pragma once

// Step 5 of a prefetch: the toolchain the go command would switch to for
// this project (go_settings.hpp, wanted_toolchain), downloaded by the go
// command itself through the agent, so that the agent holds the module, its
// checksum database record and exactly the tiles and tree head the go
// command needs to verify it again offline.

#include "project.hpp"

#include <gomod/module.hpp>
#include <gomod/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::cli {

// golang.org/toolchain@v0.0.1-goV.PLATFORM for toolchain "goV"; nullopt
// for "" (the local go will do).
std::optional<gomod::Version> toolchain_module(std::string_view toolchain,
                                               std::string_view platform);

// The toolchain module the project needs beyond the local go (GOVERSION,
// GOHOSTOS and GOHOSTARCH from `go env` with GOTOOLCHAIN=local), asking the
// agent for the toolchain versions it lists when the go line alone decides.
// nullopt when none is needed or go is not here.
std::optional<gomod::Version> needed_toolchain(const Project& project,
                                               const std::string& agent_url);

// `go mod download MODULE` through the agent, in a throw-away module cache.
Status fetch_toolchain(const std::string& agent_url,
                       const gomod::Version& mv,
                       const std::string& gosumdb);

} // namespace gpx::cli
