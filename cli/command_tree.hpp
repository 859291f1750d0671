#pragma once

// The command tree as CLI11 holds it, read the way help, usage errors,
// completions and the man page need it.

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace gpx::cli {

// The subcommands of `app` a user can name (not hidden ones), in order.
std::vector<const CLI::App*> visible_subcommands(const CLI::App& app);
// "gpx agent run" for the `run` below `agent`.
std::string command_path(const CLI::App& app);

// Every command from `app` down, depth first, `app` included; hidden ones
// are left out.
void walk_commands(const CLI::App& app,
                   const std::function<void(const CLI::App&)>& visit);

// The flags (--json, -n,--lines) and the positional arguments of `app`.
std::vector<const CLI::Option*> flags_of(const CLI::App& app);
std::vector<const CLI::Option*> positionals_of(const CLI::App& app);

// "-n", "--lines": every name of a flag as a user types it.
std::vector<std::string> option_names(const CLI::Option& option);

// A flag that takes a value (--listen ADDR), not one that is only there or
// not (--json). CLI11's own help tells them apart the same way.
bool takes_value(const CLI::Option& option);

// What an option's value is called in help, man page and completions: N for
// a number, the name a command gave (DIR, FILE, ADDR…), else the long name
// in capitals (--cache-dir → CACHE_DIR).
std::string value_name(const CLI::Option& option);

} // namespace gpx::cli
