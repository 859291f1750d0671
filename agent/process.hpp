#pragma once

// Running other programs: git credential helpers for the agent; the go
// command, systemctl and gpx itself as a background agent for the CLI. One
// spawner for both, so pipes, environment and exit codes are handled once.

#include <gomod/result.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace gpx::agent {

struct ProcessResult
{
  int exit_code = 0; // 128+N when killed by signal N
  std::string out;   // stdout
  std::string err;   // stderr
};

struct ProcessSpec
{
  std::vector<std::string> argv; // argv[0] is searched on PATH
  std::vector<std::string>
    env; // NAME=VALUE, replacing NAME in this environment
  std::vector<std::string> unset; // NAMEs left out of this environment
  std::filesystem::path dir;      // working directory; "" → this one
  std::string input;              // stdin; "" → /dev/null
};

// Runs spec.argv to completion, capturing stdout and stderr.
Result<ProcessResult> run_process(const ProcessSpec& spec);

// Runs argv[0] (searched on PATH) to completion with stdin from /dev/null,
// in dir when given, with env (NAME=VALUE) added to this environment.
Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                  const std::vector<std::string>& env = {},
                                  const std::filesystem::path& dir = {});

// run_process, then stdout when it exits 0, else an error "CMD failed: WHY"
// with its stderr (or stdout) as WHY.
Result<std::string> run_output(const std::vector<std::string>& argv,
                               const std::vector<std::string>& env = {});

// Starts argv[0] (a path) in a new session, detached from this terminal,
// stdin from /dev/null and stdout and stderr appended to log; returns its pid.
Result<int> spawn_detached(const std::vector<std::string>& argv,
                           const std::filesystem::path& log);

// This executable's path (/proc/self/exe), to start another gpx.
std::filesystem::path self_exe();

} // namespace gpx::agent
