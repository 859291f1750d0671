#pragma once

// Which go.mod or go.work a prefetch reads, found as the go command finds
// them (cmd/go/internal/modload: FindGoWork, findModuleRoot): from a
// directory, GOWORK (unset, "" or "auto": a go.work in the directory or a
// parent; "off": none; else that absolute path), then the nearest go.mod in
// the directory or a parent. A file argument must be a go.mod or a go.work.

#include <gomod/result.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace gpx::cli {

// GOWORK as the go command reads it: from the environment alone, since
// `go env -w` refuses to set it.
std::string gowork_setting();

// arg is a directory or a file, relative to the current directory; the
// answer is absolute and clean (no "." or ".." elements).
Result<std::filesystem::path> locate_project(const std::filesystem::path& arg,
                                             std::string_view gowork);

} // namespace gpx::cli
