// gpx: a per-machine Go module proxy and the commands around it.

#include "context.hpp"

#include <gomod/format.hpp>

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

namespace gpx::cli {

int
fail(const Error& error, std::string_view hint)
{
  // One line, always: scripts read the reason with `head -1` or a grep. A
  // message listing several problems (x/mod's errors do) keeps the first.
  std::string_view message = error.message;
  std::size_t more = 0;
  if (auto nl = message.find('\n'); nl != std::string_view::npos) {
    for (std::size_t i = nl; i != std::string_view::npos; i = message.find('\n', i + 1)) {
      if (i + 1 < message.size()) {
        ++more;
      }
    }
    message = message.substr(0, nl);
  }
  std::cerr << "gpx: error: " << message;
  if (more > 0) {
    std::cerr << " (and " << more << " more)";
  }
  std::cerr << "\n";
  if (!hint.empty()) {
    std::cerr << "gpx: hint: " << hint << "\n";
  }
  return 1;
}

Result<gomod::Version>
parse_module_version(std::string_view arg)
{
  auto at = arg.rfind('@');
  if (at == std::string_view::npos) {
    return make_error(Error::Code::invalid,
                      format("{:?}: want MODULE@VERSION, e.g. rsc.io/quote@v1.5.2", arg));
  }
  gomod::Version v{std::string(arg.substr(0, at)), std::string(arg.substr(at + 1))};
  if (auto ok = gomod::check(v.path, v.version); !ok) {
    return ok.error();
  }
  return v;
}

namespace {

int
run(int argc, char** argv)
{
  CLI::App app{"gpx: a local Go module proxy with an offline cache"};
  app.name("gpx");
  app.set_version_flag("--version", std::string("gpx ") + GPX_VERSION);
  app.require_subcommand(1);
  app.footer("Examples:\n"
             "  gpx init                           point go at the agent and start it\n"
             "  gpx agent status                   is the agent up, and where\n"
             "  gpx agent run                      start the agent in the foreground\n"
             "  gpx zip hash rsc.io_quote.zip      print a module zip's h1: hash\n"
             "  gpx mod hash go.mod                print a go.mod's h1: hash\n"
             "\nRun 'gpx COMMAND --help' for more.");

  Context ctx;
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
  register_zip(app, ctx);
  register_mod(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with code 0; every real usage error
    // exits 2, not CLI11's own codes (109 for an unknown flag …).
    return app.exit(e) == 0 ? 0 : 2;
  }
  return ctx.exit_code;
}

} // namespace

} // namespace gpx::cli

int
main(int argc, char** argv)
{
  try {
    return gpx::cli::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "gpx: internal error: " << e.what() << "\n"
              << "gpx: hint: this is a bug; please report it with the command you ran\n";
    return 1;
  }
}
