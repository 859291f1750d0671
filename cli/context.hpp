#pragma once

// What every subcommand shares: where its exit code goes and how it reports
// failure. Subcommands run from CLI11 callbacks, which return nothing, so the
// code travels through the context.

#include <CLI/CLI.hpp>
#include <gomod/module.hpp>
#include <gomod/result.hpp>

#include <string_view>
#include <vector>

namespace gpx::cli {

struct Context
{
  int exit_code = 0;
};

// Prints "gpx: error: MESSAGE" (and "gpx: hint: HINT" when given) on stderr
// and returns 1, the exit code for a failure.
int fail(const Error& error, std::string_view hint = {});
// The printing half of fail: one line for the message (its first, with a
// count of the rest), one for the hint.
void print_error(std::string_view message, std::string_view hint);

// Splits "MODULE@VERSION" and checks both halves with the Go rules.
Result<gomod::Version> parse_module_version(std::string_view arg);

void register_init(CLI::App& app, Context& ctx);
void register_agent(CLI::App& app, Context& ctx);
void register_config(CLI::App& app, Context& ctx);
void register_prune(CLI::App& app, Context& ctx);
void register_prefetch(CLI::App& app, Context& ctx);
void register_projects(CLI::App& app, Context& ctx);
void register_verify(CLI::App& app, Context& ctx);
void register_ls(CLI::App& app, Context& ctx);
void register_doctor(CLI::App& app, Context& ctx);
void register_transfer(CLI::App& app, Context& ctx);
void register_status(CLI::App& app, Context& ctx);
void register_zip(CLI::App& app, Context& ctx);
void register_mod(CLI::App& app, Context& ctx);
void register_completion(CLI::App& app, Context& ctx);

// Every command above on `app`, the root; its name is "gpx".
void define_commands(CLI::App& app, Context& ctx);
// gpx with argv[1..]: parses, runs the command, returns the exit code.
int run_gpx(const std::vector<std::string>& args);

} // namespace gpx::cli
