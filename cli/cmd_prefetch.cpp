// gpx prefetch: everything a project needs, into the agent's cache, before
// going offline: the go.mod of every module version in its requirement
// graph (pruned as the go command prunes it), the .info and .zip of every
// version it selects, everything its go.sum names, and the checksum
// database's lookups of them. Downloads are checked against go.sum.
//
// A short driver over named steps: locate the project (prefetch_locate),
// load the graph (prefetch_graph), plan (prefetch_plan), size and order the
// zips, download each (prefetch_download), the toolchain
// (prefetch_toolchain), then the checksum database's proofs.

#include "context.hpp"
#include "go_settings.hpp"
#include "parallel.hpp"
#include "prefetch_agent.hpp"
#include "prefetch_build.hpp"
#include "prefetch_download.hpp"
#include "prefetch_graph.hpp"
#include "prefetch_locate.hpp"
#include "prefetch_plan.hpp"
#include "prefetch_report.hpp"
#include "prefetch_toolchain.hpp"
#include "project.hpp"
#include "settings.hpp"

#include <agent/heap.hpp>
#include <gomod/format.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <mutex>

namespace fs = std::filesystem;

namespace gpx::cli {

namespace {

struct PrefetchOptions
{
  std::vector<std::string> paths;
  std::string agent;
  int jobs = 8;
  bool json = false;
  bool build_only = false;
};

// What the projects of one run share, and what it found.
struct Run
{
  Run(const PrefetchOptions& options, std::string url, GoSettings settings)
    : o(options),
      agent(std::move(url)),
      go(std::move(settings)),
      db(sumdb_name(go.sumdb)),
      progress(options.json     ? ProgressMode::quiet
               : isatty(2) != 0 ? ProgressMode::terminal
                                : ProgressMode::plain,
               std::cerr)
  {
  }

  const PrefetchOptions& o;
  std::string gowork = gowork_setting();
  AgentFiles agent;
  GoSettings go;
  std::string db;
  Progress progress;
  std::mutex mutex; // guards the lists below during downloads
  std::vector<std::string> errors;
  std::vector<std::string> mismatches;
  std::vector<std::string> lookups; // every checksum-database lookup asked
  std::vector<std::string> projects;
  Summary summary;
  int skipped_private = 0;

  bool
  is_private(const gomod::Version& m) const
  {
    return gomod::match_prefix_patterns(go.noproxy, m.path);
  }
};

// The agent's URL, once it answers.
Result<std::string>
reachable_agent(const PrefetchOptions& o, const agent::Config& config)
{
  std::string url = o.agent.empty() ? "http://" + config.listen : o.agent;
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  agent::HttpClient probe;
  if (auto h = probe.get(url + "/healthz", 1024); !h || h->status != 200) {
    return Error::io(format("no agent answers at {}", url));
  }
  return url;
}

// The zips' sizes from HEADs, in parallel; a failed HEAD leaves a size
// unknown.
void
size_zips(Run& run, std::vector<Item>& items)
{
  std::vector<Item*> zips;
  for (auto& item : items) {
    if (item.zip) {
      zips.push_back(&item);
    }
  }
  run.progress.phase(
    format("sizing {}",
           count_of(static_cast<std::int64_t>(zips.size()), "zip", "zips")));
  run_parallel(zips.size(), run.o.jobs, [&](std::size_t i) {
    auto head = run.agent.zip_head(zips[i]->source.mod);
    zips[i]->zip_size = head.size;
    zips[i]->zip_was_cached = head.cached;
  });
}

void
download_all(Run& run,
             const Project& project,
             const LoadedGraph& loaded,
             const std::vector<Item>& items)
{
  DownloadContext ctx{run.agent,
                      project.sums,
                      run.db,
                      run.go.nosumdb,
                      loaded.mod_bodies,
                      fs::temp_directory_path()};
  run.progress.start_steps(static_cast<int>(items.size()));
  run_parallel(items.size(), run.o.jobs, [&](std::size_t i) {
    auto out = download_one(items[i], ctx);
    {
      std::lock_guard lock(run.mutex);
      auto& s = run.summary;
      ++s.module_versions;
      s.zips += items[i].zip ? 1 : 0;
      if (!out.errors.empty()) {
        ++s.failed;
      } else if (run.agent.fetched(items[i].source.mod)) {
        ++s.fetched;
      } else {
        ++s.already_cached;
      }
      run.errors.insert(run.errors.end(), out.errors.begin(), out.errors.end());
      run.mismatches.insert(
        run.mismatches.end(), out.mismatches.begin(), out.mismatches.end());
      if (!out.lookup_url.empty()) {
        run.lookups.push_back(out.lookup_url);
      }
    }
    run.progress.step(items[i].source.mod.str());
  });
}

void
prefetch_toolchain(Run& run, const Project& project)
{
  auto mv = needed_toolchain(project, run.agent.url());
  if (!mv) {
    return;
  }
  run.progress.phase(mv->str() + " (toolchain)");
  auto head = run.agent.zip_head(*mv);
  auto ok = fetch_toolchain(run.agent.url(), *mv, run.go.sumdb);
  ++run.summary.module_versions;
  ++run.summary.zips;
  if (!ok) {
    run.errors.push_back(ok.error().message);
    ++run.summary.failed;
    return;
  }
  ++(head.cached ? run.summary.already_cached : run.summary.fetched);
  if (!run.db.empty()) {
    run.lookups.push_back(format("{}/sumdb/{}/lookup/{}@{}",
                                 run.agent.url(),
                                 run.db,
                                 mv->path,
                                 mv->version));
  }
}

// One project: 0, or the exit code of a failure that stops the run (the
// project cannot be read, or its graph cannot be loaded); a failed download
// is recorded and the rest go on.
int
prefetch_project(Run& run, const std::string& arg)
{
  auto file = locate_project(arg, run.gowork);
  auto project = file ? load_project(*file) : Result<Project>(file.error());
  if (!project) {
    run.progress.finish();
    return fail(
      project.error(),
      project.error().message.starts_with("GOWORK=")
        ? "set GOWORK to a go.work file's absolute path, to off, or unset it"
        : "give a module directory (or one below it), a go.mod or a go.work");
  }
  run.projects.push_back(project->file.string());

  GraphSource source;
  source.get_mod = [&](const gomod::Version& m) {
    return run.agent.get(m, ".mod");
  };
  source.is_private = [&](const gomod::Version& m) {
    return run.is_private(m);
  };
  source.jobs = run.o.jobs;
  source.on_level = [&](std::size_t n) {
    run.progress.phase(
      format("resolving the graph: {}",
             count_of(static_cast<std::int64_t>(n), "module", "modules")));
  };
  auto loaded = load_graph(*project, source);
  if (!loaded) {
    run.progress.finish();
    return fail(loaded.error(),
                "the agent could not serve a module the project requires (is "
                "it reachable? see 'gpx agent logs')");
  }

  auto plan =
    plan_downloads(*project, loaded->graph, [&](const gomod::Version& m) {
      return run.is_private(m);
    });
  run.skipped_private += plan.skipped_private;
  size_zips(run, plan.items);
  if (run.o.build_only) {
    run.progress.phase("listing the packages go build needs");
    auto needed = build_modules(*project, run.agent.url());
    if (!needed) {
      run.progress.finish();
      return fail(needed.error(),
                  "run 'go build ./...' in the project to see why; or prefetch "
                  "without --build-only");
    }
    keep_zips_of(plan, *needed);
  }
  order_largest_first(plan.items);
  download_all(run, *project, *loaded, plan.items);
  prefetch_toolchain(run, *project);
  return 0;
}

// What the go command needs to verify offline, through the agent, a module
// this prefetch fetched: the database's supported marker, one signed tree
// head, and every lookup with the tiles proving it in that tree. The
// lookups are asked once more at the end because the agent answers each
// with its latest tree head, which the first pass may have moved: asking
// again proves every record in the final head, which caches its tiles.
void
settle_proofs(Run& run)
{
  auto r = run.agent.get_url(
    format("{}/sumdb/{}/supported", run.agent.url(), run.db), 4096);
  if (!r) {
    run.errors.push_back(r.error().message);
    return;
  }
  if (r->status != 200) {
    // Not an error of this prefetch: the agent proves against another
    // database (its sumdb setting), so the go command asks this one itself.
    run.progress.note(
      format("warning: the agent does not serve checksum database {} ({}); "
             "offline, the go command "
             "cannot verify modules missing from go.sum (set the agent's sumdb "
             "to GOSUMDB)",
             run.db,
             r->body.substr(0, r->body.find('\n'))));
    return;
  }
  run_parallel(run.lookups.size(), run.o.jobs, [&](std::size_t i) {
    auto answer = run.agent.get_url(run.lookups[i], 1 << 20);
    std::lock_guard lock(run.mutex);
    if (!answer) {
      run.errors.push_back(answer.error().message);
    } else if (answer->status != 200 && answer->status != 404
               && answer->status != 410) {
      run.errors.push_back(format("{}: the agent answered {}: {}",
                                  run.lookups[i],
                                  answer->status,
                                  answer->body));
    }
  });
}

void
print_summary(const Run& run)
{
  const auto& s = run.summary;
  if (run.o.json) {
    std::cout << nlohmann::json{{"agent", run.agent.url()},
                                {"projects", run.projects},
                                {"build_only", run.o.build_only},
                                {"module_versions", s.module_versions},
                                {"zips", s.zips},
                                {"bytes", s.bytes},
                                {"already_cached", s.already_cached},
                                {"fetched", s.fetched},
                                {"failed", s.failed},
                                {"skipped_private", run.skipped_private},
                                {"seconds", s.seconds},
                                {"errors", run.errors},
                                {"mismatches", run.mismatches}}
                   .dump()
              << "\n";
    return;
  }
  for (const auto& e : run.errors) {
    std::cerr << "gpx prefetch: failed: " << e << "\n";
  }
  for (const auto& e : run.mismatches) {
    std::cerr << "gpx prefetch: CHECKSUM MISMATCH: " << e << "\n";
  }
  std::cout << summary_line(s) << "\n";
  if (run.skipped_private > 0) {
    std::cout << format("gpx prefetch: {} left to the go command (GONOPROXY)\n",
                        count_of(run.skipped_private,
                                 "private module version",
                                 "private module versions"));
  }
}

int
run_prefetch(const PrefetchOptions& o)
{
  // Before the jobs start: their zip hashes' buffers come and go in one
  // arena rather than one per job, each keeping what it once held.
  agent::tune_heap();
  auto started = std::chrono::steady_clock::now();
  auto config = load_settings("");
  if (!config) {
    return fail(config.error());
  }
  auto url = reachable_agent(o, *config);
  if (!url) {
    return fail(
      url.error(),
      "start it with 'gpx agent start', or name another with --agent URL");
  }
  Run run(o, *url, go_settings(config->private_patterns));
  for (const auto& arg :
       o.paths.empty() ? std::vector<std::string>{"."} : o.paths) {
    if (int rc = prefetch_project(run, arg); rc != 0) {
      return rc;
    }
  }
  if (!run.db.empty()) {
    settle_proofs(run);
  }
  run.progress.finish();
  run.summary.bytes = run.agent.bytes();
  run.summary.seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
      .count();

  // Registered: prune keeps what their go.sum files name.
  if (auto ok = add_registered_projects(run.projects); !ok) {
    std::cerr << "gpx prefetch: warning: could not register the project: "
              << ok.error().message << "\n";
  }
  print_summary(run);
  if (!run.mismatches.empty()) {
    return fail(Error::invalid(format(
                  "{} do not match go.sum or the checksum database",
                  count_of(static_cast<std::int64_t>(run.mismatches.size()),
                           "download",
                           "downloads"))),
                "someone changed a published module, or go.sum is wrong: check "
                "before you trust either");
  }
  if (!run.errors.empty()) {
    return fail(
      Error::upstream(
        format("{} failed",
               count_of(static_cast<std::int64_t>(run.errors.size()),
                        "download",
                        "downloads"))),
      "see the lines above; run again when the agent's upstream is reachable");
  }
  return 0;
}

} // namespace

void
register_prefetch(CLI::App& app, Context& ctx)
{
  auto o = std::make_shared<PrefetchOptions>();
  auto* cmd = app.add_subcommand("prefetch",
                                 "Fill the agent's cache with everything a "
                                 "project needs, before going offline");
  cmd->add_option("PATH",
                  o->paths,
                  "module directories (or directories below one), go.mod or "
                  "go.work files (default: ., as the go "
                  "command finds go.mod and go.work)");
  cmd->add_option(
    "--agent",
    o->agent,
    "the agent to fill (default: the configured one, http://LISTEN)");
  cmd->add_option("--jobs,-j", o->jobs, "parallel downloads (default 8)")
    ->check(CLI::Range(1, 64));
  cmd->add_flag(
    "--build-only",
    o->build_only,
    "zips only of the modules whose packages 'go build' of the main modules "
    "needs (no test-only "
    "dependencies: offline, go test and go mod tidy may miss some)");
  cmd->add_flag(
    "--json", o->json, "print the summary as JSON (and nothing else)");
  cmd->footer(
    "Fetches the go.mod of every module version in the requirement graph "
    "(pruned as go ≥ 1.17\n"
    "prunes it), the .info and .zip of every selected version and of "
    "everything go.sum names,\n"
    "and the checksum database's records of them; checks every download "
    "against go.sum.\n"
    "The largest zips start first. With --build-only, only the zips 'go build "
    "./...' needs\n"
    "(as 'go list -deps' lists them). The project is found as the go command "
    "finds it (go.mod\n"
    "or go.work in the directory or a parent, GOWORK) and registered: gpx "
    "prune keeps what it needs.\n\n"
    "Examples:\n"
    "  gpx prefetch\n"
    "  gpx prefetch ~/src/service/go.work --jobs 16\n"
    "  gpx prefetch --build-only ./cmd/server\n"
    "  gpx prefetch ./api ./worker --json");
  cmd->callback([o, &ctx] { ctx.exit_code = run_prefetch(*o); });
}

} // namespace gpx::cli
