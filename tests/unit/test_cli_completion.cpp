#include <cli/completion.hpp>
#include <cli/context.hpp>

#include <doctest/doctest.h>

namespace cli = gpx::cli;

namespace {

struct Tree
{
  CLI::App app;
  cli::Context ctx;
  Tree()
  {
    cli::define_commands(app, ctx);
  }
  const CLI::Option&
  option(std::initializer_list<const char*> path, const char* name)
  {
    CLI::App* a = &app;
    for (const char* p : path) {
      a = a->get_subcommand(p);
    }
    return *a->get_option(name);
  }
};

} // namespace

TEST_SUITE("cli")
{
  TEST_CASE("value_kind: from the check, the value's name, or nothing")
  {
    Tree t;
    CHECK(cli::value_kind(t.option({"agent", "run"}, "--cache-dir"))
          == cli::ValueKind::dir);
    CHECK(cli::value_kind(t.option({"agent", "run"}, "--config"))
          == cli::ValueKind::file);
    CHECK(cli::value_kind(t.option({"agent", "run"}, "--listen"))
          == cli::ValueKind::none);
    CHECK(cli::value_kind(t.option({"zip", "hash"}, "FILE"))
          == cli::ValueKind::file); // ExistingFile
    CHECK(cli::value_kind(t.option({"zip", "create"}, "DIR"))
          == cli::ValueKind::dir); // ExistingDirectory
    CHECK(cli::value_kind(t.option({"import"}, "--from-modcache"))
          == cli::ValueKind::dir); // "[DIR]"
    CHECK(cli::value_kind(t.option({"agent", "logs"}, "--lines"))
          == cli::ValueKind::none);
  }

  TEST_CASE("bash_completion: a tree row per command")
  {
    Tree t;
    auto script = cli::bash_completion(t.app);
    CHECK(script.find("  ['gpx agent run']='-h --help --listen= "
                      "--cache-dir=dir --config=file")
          != std::string::npos);
    CHECK(script.find("  ['gpx zip hash']='-h --help --json @files'")
          != std::string::npos);
    CHECK(script.find("['gpx man']") == std::string::npos); // hidden
    CHECK(script.find("complete -F _gpx gpx") != std::string::npos);
  }

  TEST_CASE("zsh_completion: specs in _arguments syntax, quoted for the shell")
  {
    Tree t;
    auto script = cli::zsh_completion(t.app);
    CHECK(script.starts_with("#compdef gpx\n"));
    CHECK(script.find("_gpx_command 'agent logs' 'Print the end of the "
                      "background agent'\\''s log'")
          != std::string::npos);
    CHECK(script.find("'(-n --lines)--lines[how many lines (default 50)]:n:'")
          != std::string::npos);
    // A colon in a description is escaped, or _arguments would split there.
    CHECK(script.find("(default 127.0.0.1\\:7070)") != std::string::npos);
    CHECK(script.find("'--cache-dir[cache directory (default "
                      "$XDG_CACHE_HOME/gpx)]:dir:_files -/'")
          != std::string::npos);
  }

  TEST_CASE(
    "fish_completion: a complete line per subcommand, flag and file "
    "argument, quoted for fish")
  {
    Tree t;
    auto script = cli::fish_completion(t.app);
    CHECK(script.find("    'gpx agent logs' \\\n") != std::string::npos);
    // A flag that takes a value is listed, so that its value is skipped
    // when the command path is worked out.
    CHECK(script.find("    'gpx agent logs --lines' \\\n")
          != std::string::npos);
    // fish's single quotes take \' as an escape.
    CHECK(script.find("complete -c gpx -n '__gpx_at \\'gpx agent\\'' -a "
                      "'logs' -d 'Print the end of the background agent\\'s "
                      "log'\n")
          != std::string::npos);
    CHECK(script.find("complete -c gpx -n '__gpx_at \\'gpx agent logs\\'' "
                      "-s n -l lines -x -d")
          != std::string::npos);
    CHECK(script.find("-l cache-dir -x -a '(__fish_complete_directories)'")
          != std::string::npos);
    CHECK(script.find("complete -c gpx -n '__gpx_at \\'gpx prefetch\\'' "
                      "-F\n")
          != std::string::npos);
  }
}
