// gpx verify: re-hash the cache and re-prove every public module against the
// checksum database's cached records; --repair removes what fails and, when
// the agent runs, fetches it again.

#include "agent_control.hpp"
#include "context.hpp"
#include "settings.hpp"
#include "wording.hpp"

#include <agent/http_client.hpp>
#include <cache/verify.hpp>
#include <gomod/format.hpp>

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace gpx::cli {

namespace {

struct VerifyOptions
{
  std::string cache_dir;
  bool repair = false;
  bool json = false;
};

int
run_verify(const VerifyOptions& o)
{
  auto opened = open_configured_cache(o.cache_dir);
  if (!opened) {
    return fail(opened.error());
  }
  auto* config = &opened->config;
  auto* store = &opened->store;
  auto proof = proof_options(*config);
  if (!proof) {
    return fail(proof.error());
  }
  auto report = cache::verify(**store, o.repair, &*proof);
  if (!report) {
    return fail(report.error());
  }
  // What was removed comes back through the running agent, if there is one.
  int refetched = 0;
  if (o.repair && report->removed > 0) {
    auto paths = agent_paths();
    auto running = paths ? find_agent(*paths) : std::nullopt;
    if (running && running->healthy) {
      agent::HttpClient client;
      for (const auto& p : report->problems) {
        auto rel = p.path.starts_with("download/") ? p.path.substr(9) : p.path;
        auto r = client.get(running->url + "/" + rel, 1);
        // A zip is larger than 1 byte: the agent has fetched and cached it
        // once the body starts, so "too large" counts as fetched too.
        if ((r && r->status == 200)
            || (!r
                && r.error().message.find("larger than")
                     != std::string::npos)) {
          ++refetched;
        }
      }
    }
  }
  if (o.json) {
    auto problems = nlohmann::json::array();
    for (const auto& p : report->problems) {
      problems.push_back({{"path", p.path}, {"problem", p.what}});
    }
    std::cout << nlohmann::json{{"cache_dir", config->cache_dir.string()},
                                {"checked", report->checked},
                                {"bytes", report->bytes},
                                {"problems", problems},
                                {"removed", report->removed},
                                {"refetched", refetched}}
                   .dump()
              << "\n";
  } else {
    for (const auto& p : report->problems) {
      std::cout << format(
        "{}: {}{}\n", p.path, p.what, o.repair ? " (removed)" : "");
    }
    std::cout << format(
      "gpx verify: {}, {} checked; {} corrupt{}\n",
      count(report->checked, "file"),
      human_size(report->bytes),
      report->problems.size(),
      o.repair
        ? format(", removed, {} fetched again through the agent", refetched)
        : "");
  }
  if (!report->problems.empty() && !o.repair) {
    return fail(
      Error::invalid(format("{} in {}",
                            count(report->problems.size(), "corrupt file"),
                            config->cache_dir.string())),
      "run 'gpx verify --repair' to remove them (the agent fetches them "
      "again)");
  }
  return 0;
}

} // namespace

void
register_verify(CLI::App& app, Context& ctx)
{
  auto o = std::make_shared<VerifyOptions>();
  auto* cmd = app.add_subcommand(
    "verify",
    "Re-hash the cache and re-prove public modules against the checksum "
    "database, offline; --repair removes what fails");
  cmd->add_option(
    "--cache-dir",
    o->cache_dir,
    "the cache to check (default: GPX_CACHE_DIR or the config's)");
  cmd->add_flag(
    "--repair",
    o->repair,
    "remove corrupt files (and fetch them again through a running agent)");
  cmd->add_flag("--json", o->json, "print the report as JSON");
  cmd->footer(
    "Exit status 1 when something is corrupt and was not repaired.\n\n"
    "Examples:\n"
    "  gpx verify\n"
    "  gpx verify --repair");
  cmd->callback([o, &ctx] { ctx.exit_code = run_verify(*o); });
}

} // namespace gpx::cli
