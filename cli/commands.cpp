// The command tree and the parse around it: every usage error leaves here
// as one "gpx: error: …" line and exit code 2.

#include "context.hpp"
#include "usage.hpp"

#include <iostream>

namespace gpx::cli {

void
define_commands(CLI::App& app, Context& ctx)
{
  app.name("gpx");
  app.description("gpx: a local Go module proxy with an offline cache");
  app.set_version_flag("--version", std::string("gpx ") + GPX_VERSION);
  app.set_help_flag("-h,--help", "print this help and exit");
  app.require_subcommand(1);
  // Subcommands take the formatter they are created with, so it comes first.
  app.formatter(std::make_shared<HelpFormatter>());

  register_init(app, ctx);
  register_agent(app, ctx);
  register_status(app, ctx);
  register_prefetch(app, ctx);
  register_prune(app, ctx);
  register_projects(app, ctx);
  register_ls(app, ctx);
  register_verify(app, ctx);
  register_transfer(app, ctx);
  register_doctor(app, ctx);
  register_config(app, ctx);
  register_zip(app, ctx);
  register_mod(app, ctx);
  register_completion(app, ctx);

  // Set last: a subcommand created after it would show it as its own.
  app.footer(
    "Examples:\n"
    "  gpx init                           point go at the agent and start it\n"
    "  gpx agent status                   is the agent up, and where\n"
    "  gpx agent run                      start the agent in the foreground\n"
    "  gpx zip hash rsc.io_quote.zip      print a module zip's h1: hash\n"
    "  gpx mod hash go.mod                print a go.mod's h1: hash\n"
    "\nRun 'gpx help COMMAND' (or 'gpx COMMAND --help') for more.\n"
    "Exit status: 0 success, 1 failure, 2 usage error.");
}

int
run_gpx(const std::vector<std::string>& raw_args)
{
  CLI::App app;
  Context ctx;
  define_commands(app, ctx);

  auto args = expand_help(app, raw_args);
  if (!args) {
    auto nl = args.error().message.find('\n');
    return usage_error(UsageError{args.error().message.substr(0, nl),
                                  args.error().message.substr(nl + 1)});
  }
  // CLI11 takes the arguments in reverse.
  std::vector<std::string> reversed(args->rbegin(), args->rend());
  try {
    app.parse(reversed);
  } catch (const CLI::Success& e) { // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11's own messages and codes (109 for an unknown flag …) never
    // reach the user.
    return usage_error(explain(app, *args, e));
  }
  return ctx.exit_code;
}

} // namespace gpx::cli
