// gpx doctor: do go env, the environment, the config and the agent agree,
// and can the agent reach its upstreams and the git remotes of private
// modules? Each check prints ok, warn or FAIL with what to do; the steps
// are in doctor_checks.cpp.

#include "context.hpp"
#include "doctor_checks.hpp"
#include "settings.hpp"

#include <gomod/format.hpp>

#include <iostream>
#include <memory>

namespace gpx::cli {

namespace {

int
run_doctor(bool json)
{
  Checks checks;
  auto config = load_settings("");
  if (!config) {
    checks.push_back(
      {"config",
       Check::Level::fail,
       format("config: {}", config.error().message),
       "fix the config file (see the README's configuration table)"});
  } else {
    checks.push_back({"config",
                      Check::Level::ok,
                      format("config: upstream {}, listen {}",
                             redact_list(config->upstream),
                             config->listen),
                      ""});
    auto add = [&](Checks more) {
      checks.insert(checks.end(), more.begin(), more.end());
    };
    add(check_go(*config));
    checks.push_back(check_agent(*config));
    checks.push_back(check_cache(*config));
    checks.push_back(check_libraries());
    add(check_upstreams(*config));
    add(check_git_remotes(*config));
  }
  if (json) {
    std::cout << render_json(checks).dump() << "\n";
  } else {
    std::cout << render_text(checks);
  }
  return count(checks, Check::Level::fail) == 0 ? 0 : 1;
}

} // namespace

void
register_doctor(CLI::App& app, Context& ctx)
{
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("doctor",
                                 "Check that go env, the config, the agent and "
                                 "the upstreams agree, and say what to fix");
  cmd->add_flag(
    "--json",
    *json,
    "print the checks as JSON (schema: docs/gpx.schema.json, $defs/doctor)");
  cmd->footer(
    "Exit status 1 when a check fails. Credentials never appear in the "
    "output.\n"
    "An environment variable (GOPROXY, GOPRIVATE, GONOPROXY, GONOSUMDB, "
    "GOFLAGS) overrides 'go env -w':\n"
    "doctor names it and the shell profile line that likely sets it.\n\n"
    "Examples:\n  gpx doctor\n  gpx doctor --json");
  cmd->callback([json, &ctx] { ctx.exit_code = run_doctor(*json); });
}

} // namespace gpx::cli
