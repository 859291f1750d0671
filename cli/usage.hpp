#pragma once

// Usage errors as gpx reports them: CLI11's parse errors turned into one
// "gpx: error: …" line with a hint and a did-you-mean, exit code 2; `gpx help
// CMD` as `gpx CMD --help`; help text without CLI11's type noise.

#include "command_tree.hpp"

#include <CLI/CLI.hpp>
#include <gomod/result.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace gpx::cli {

// Exit codes, the same for every command (the README's command section).
constexpr int k_exit_ok = 0;
constexpr int k_exit_failure = 1;
constexpr int k_exit_usage = 2;

struct UsageError
{
  std::string message;
  std::string hint;
};

// Prints "gpx: error: MESSAGE" (and the hint) on stderr and returns 2.
int usage_error(const UsageError& error);
// The same for a flag's value the command itself rejected.
int usage_error(const Error& error, std::string_view hint = {});

// What went wrong in `args` (argv without the program name), for a parse
// error CLI11 raised: the unknown command or flag (with the closest real one),
// the missing command or argument, the value a check refused.
UsageError explain(const CLI::App& root,
                   const std::vector<std::string>& args,
                   const CLI::ParseError& error);

// `help [CMD...]` becomes `[CMD...] --help`; other arguments are returned as
// they are. An unknown CMD is a usage error.
Result<std::vector<std::string>>
expand_help(const CLI::App& root, const std::vector<std::string>& args);
// explain's message for an unknown command word below `app` (named `path`).
UsageError unknown_command(const CLI::App& app,
                           const std::string& path,
                           const std::string& word);

// CLI11's help with value names instead of types and checks
// ("-j,--jobs N", not "-j,--jobs INT:INT in [1 - 64]").
class HelpFormatter : public CLI::Formatter
{
public:
  std::string make_option_opts(const CLI::Option* option) const override;
};

} // namespace gpx::cli
