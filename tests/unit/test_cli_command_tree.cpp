#include <cli/command_tree.hpp>
#include <cli/context.hpp>

#include <doctest/doctest.h>

namespace cli = gpx::cli;

TEST_SUITE("cli")
{
  TEST_CASE("value_name and takes_value")
  {
    CLI::App app;
    cli::Context ctx;
    cli::define_commands(app, ctx);
    const CLI::App* logs = app.get_subcommand("agent")->get_subcommand("logs");
    CHECK(cli::value_name(*logs->get_option("--lines"))
          == "N"); // an INT with a range check
    const CLI::App* run = app.get_subcommand("agent")->get_subcommand("run");
    CHECK(cli::value_name(*run->get_option("--cache-dir"))
          == "DIR"); // named by the command
    CHECK(cli::takes_value(*run->get_option("--listen")));
    CHECK_FALSE(cli::takes_value(*run->get_option("--offline")));

    CLI::App bare;
    std::string text;
    auto* o = bare.add_option("--max-size", text, "");
    CHECK(cli::value_name(*o) == "MAX_SIZE"); // CLI11's TEXT says nothing
  }

  TEST_CASE("walk_commands, option_names")
  {
    CLI::App app;
    cli::Context ctx;
    cli::define_commands(app, ctx);
    std::vector<std::string> paths;
    cli::walk_commands(
      app, [&](const CLI::App& a) { paths.push_back(cli::command_path(a)); });
    CHECK(paths.front() == "gpx");
    CHECK(std::find(paths.begin(), paths.end(), "gpx agent run")
          != paths.end());
    CHECK(std::find(paths.begin(), paths.end(), "gpx man")
          == paths.end()); // hidden
    // Depth first: a group's commands follow it.
    auto agent = std::find(paths.begin(), paths.end(), "gpx agent");
    REQUIRE(agent != paths.end());
    CHECK(agent[1] == "gpx agent run");

    const CLI::App* logs = app.get_subcommand("agent")->get_subcommand("logs");
    CHECK(cli::option_names(*logs->get_option("--lines"))
          == std::vector<std::string>{"-n", "--lines"});
    CHECK(cli::positionals_of(*logs).empty());
    CHECK(cli::flags_of(*logs).size() == 2); // --help, --lines
  }

  TEST_CASE("visible_subcommands leaves out hidden ones; command_path")
  {
    CLI::App app;
    cli::Context ctx;
    cli::define_commands(app, ctx);
    for (const CLI::App* sub : cli::visible_subcommands(app)) {
      CHECK(sub->get_name() != "man");
    }
    CHECK(cli::command_path(*app.get_subcommand("agent")->get_subcommand("run"))
          == "gpx agent run");
  }
}
