#pragma once

// Running other programs: the go command (go env -w), and gpx itself as a
// background agent.

#include <gomod/result.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace gpx::cli {

struct ProcessResult
{
  int exit_code = 0; // 128+N when killed by signal N
  std::string out;   // stdout
  std::string err;   // stderr
};

// Runs argv[0] (searched on PATH) to completion with stdin from /dev/null,
// in dir when given, with env (NAME=VALUE) added to this environment.
Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                  const std::vector<std::string>& env = {},
                                  const std::filesystem::path& dir = {});

// run_process, then stdout when it exits 0, else an error "CMD failed: WHY"
// with its stderr (or stdout) as WHY.
Result<std::string> run_output(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});

// Starts argv[0] (a path) in a new session, detached from this terminal,
// stdin from /dev/null and stdout and stderr appended to log; returns its pid.
Result<int> spawn_detached(const std::vector<std::string>& argv, const std::filesystem::path& log);

// This executable's path (/proc/self/exe), to start another gpx.
std::filesystem::path self_exe();

} // namespace gpx::cli
