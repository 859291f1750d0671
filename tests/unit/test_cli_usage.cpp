#include <cli/context.hpp>
#include <cli/usage.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace cli = gpx::cli;

namespace {

// What gpx says about `args`: parsed with the real command tree.
cli::UsageError
explained(std::vector<std::string> args)
{
  CLI::App app;
  cli::Context ctx;
  cli::define_commands(app, ctx);
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return cli::explain(app, args, e);
  }
  FAIL("parsed without an error: ", args.size());
  return {};
}

} // namespace

TEST_SUITE("cli")
{
  // The CLI issue's cases, and their neighbours.
  constexpr struct
  {
    std::initializer_list<const char*> args;
    std::string_view message, hint;
  } k_usage[] = {
    {{"prefech"},
     R"(unknown command "prefech" (did you mean "prefetch"?))",
     "run 'gpx --help' for the list of commands"},
    {{"agent", "strat"},
     R"(unknown command "strat" for "gpx agent" (did you mean "start"?))",
     "run 'gpx agent --help' for the list of commands"},
    {{"frobnicate"},
     R"(unknown command "frobnicate")",
     "run 'gpx --help' for the list of commands"},
    {{}, R"("gpx" needs a command)", "run 'gpx --help' for what each does"},
    {{"zip", "hash", "--josn", "x.zip"},
     R"(unknown flag "--josn" for "gpx zip hash" (did you mean "--json"?))",
     "run 'gpx zip hash --help' for its flags"},
    {{"agent", "run", "--listn=127.0.0.1:0"},
     R"(unknown flag "--listn" for "gpx agent run" (did you mean "--listen"?))",
     "run 'gpx agent run --help' for its flags"},
    // A flag's value is not a command: "strat" here is --upstream's.
    {{"agent", "start", "--upstream", "strat", "--ofline"},
     R"(unknown flag "--ofline" for "gpx agent start" (did you mean "--offline"?))",
     "run 'gpx agent start --help' for its flags"},
    {{"zip", "hash"},
     R"("gpx zip hash" needs FILE)",
     "run 'gpx zip hash --help' for its usage"},
    {{"zip", "hash", "a.zip", "b.zip"},
     R"(unexpected argument "b.zip" for "gpx zip hash")",
     "run 'gpx zip hash --help' for its usage"},
    {{"mod", "hash", "/nonexistent/go.mod"},
     "FILE: no such file: /nonexistent/go.mod",
     "run 'gpx mod hash --help' for its usage"},
    {{"agent", "logs", "-n"},
     "-n needs a value",
     "run 'gpx agent logs --help' for its flags"},
    {{"agent", "logs", "-n", "0"},
     R"(--lines: want a number from 1 to 1000000, not "0")",
     "run 'gpx agent logs --help' for its usage"},
    {{"agent", "logs", "-n", "many"},
     R"(--lines: want a number from 1 to 1000000, not "many")",
     "run 'gpx agent logs --help' for its usage"},
    {{"completion", "tcsh"},
     "SHELL: tcsh not in {bash,zsh,fish}",
     "run 'gpx completion --help' for its usage"},
  };

  TEST_CASE("explain")
  {
    for (const auto& tc : k_usage) {
      std::vector<std::string> args(tc.args.begin(), tc.args.end());
      CAPTURE(args.size());
      CAPTURE(tc.message);
      auto u = explained(args);
      CHECK(u.message == tc.message);
      CHECK(u.hint == tc.hint);
    }
  }

  TEST_CASE("expand_help: help CMD is CMD --help")
  {
    CLI::App app;
    cli::Context ctx;
    cli::define_commands(app, ctx);
    using V = std::vector<std::string>;
    CHECK(*cli::expand_help(app, V{"help"}) == V{"--help"});
    CHECK(*cli::expand_help(app, V{"help", "prefetch"})
          == V{"prefetch", "--help"});
    CHECK(*cli::expand_help(app, V{"help", "agent", "run"})
          == V{"agent", "run", "--help"});
    CHECK(*cli::expand_help(app, V{"status", "help"})
          == V{"status", "help"}); // only in first place
    CHECK(*cli::expand_help(app, V{"help", "--help"}) == V{"--help"});
    auto bad = cli::expand_help(app, V{"help", "agent", "strat"});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message == "unknown command \"strat\" for \"gpx agent\" (did you mean \"start\"?)\n"
                                 "run 'gpx agent --help' for the list of commands");
  }

  TEST_CASE("help without CLI11's types")
  {
    CLI::App app;
    cli::Context ctx;
    cli::define_commands(app, ctx);
    const CLI::App* logs = app.get_subcommand("agent")->get_subcommand("logs");
    auto help = logs->help();
    CHECK(help.find("-n,--lines N ") != std::string::npos);
    CHECK(help.find("POSITIVE") == std::string::npos);
    CHECK(help.find("INT") == std::string::npos);
    // A group shows its own examples, not gpx's.
    auto agent_help = app.get_subcommand("agent")->help();
    CHECK(agent_help.find("gpx agent logs -n 100") != std::string::npos);
    CHECK(agent_help.find("gpx zip hash rsc.io_quote.zip")
          == std::string::npos);
  }
}
