// gpx status: the agent and the cache at a glance; gpx stats: the counters.

#include "agent_control.hpp"
#include "context.hpp"
#include "settings.hpp"
#include "wording.hpp"

#include <gomod/format.hpp>

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace fs = std::filesystem;

namespace gpx::cli {

namespace {

struct StatusOptions
{
  std::string cache_dir;
  bool json = false;
  bool zero = false;
};

// Git mirrors of private modules: a cache too, but outside the index and
// max_size (served versions live in download/ and survive their removal).
std::pair<std::int64_t, std::int64_t>
git_mirrors(const fs::path& cache_dir)
{
  std::error_code ec;
  std::int64_t mirrors = 0;
  std::int64_t bytes = 0;
  for (const auto& e : fs::directory_iterator(cache_dir / "git", ec)) {
    mirrors += e.is_directory(ec) ? 1 : 0;
  }
  for (auto it = fs::recursive_directory_iterator(cache_dir / "git", ec);
       !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      bytes += static_cast<std::int64_t>(it->file_size(ec));
    }
  }
  return {mirrors, bytes};
}

void
print_agent(const std::optional<RunningAgent>& running,
            const fs::path& cache_dir)
{
  if (!running) {
    std::cout << "agent:    not running (start it with 'gpx agent start')\n";
  } else if (running->pid == 0) {
    std::cout << format(
      "agent:    answering at {} (a service, or one in a terminal)\n",
      running->url);
  } else {
    std::cout << "agent:    " << describe_agent(*running, cache_dir) << "\n";
  }
}

int
run_status(const StatusOptions& o)
{
  auto config = load_settings(o.cache_dir);
  if (!config) {
    return fail(config.error());
  }
  auto paths = agent_paths();
  if (!paths) {
    return fail(paths.error());
  }
  auto running = find_agent_for(*paths, config->cache_dir, config->listen);
  int code = running && running->healthy ? 0 : 1;
  // What the agent really uses beats what the config says it would.
  auto upstream = running && !running->upstream.empty()
                    ? running->upstream
                    : redact_list(config->upstream);
  cache::Totals totals{};
  auto store = open_cache(*config);
  if (store) {
    auto t =
      (*store)->with_index([](cache::Index& index) { return index.totals(); });
    if (!t) {
      return fail(t.error());
    }
    totals = *t;
  }
  auto [mirrors, git_bytes] = git_mirrors(config->cache_dir);
  auto max_size = static_cast<std::int64_t>(config->max_size);
  if (o.json) {
    std::cout << nlohmann::json{{"agent", agent_json(running)},
                                {"upstream", upstream},
                                {"offline", config->offline},
                                {"cache",
                                 {{"dir", config->cache_dir.string()},
                                  {"exists", static_cast<bool>(store)},
                                  {"entries", totals.entries},
                                  {"bytes", totals.bytes},
                                  {"max_size_bytes", max_size}}},
                                {"git",
                                 {{"mirrors", mirrors}, {"bytes", git_bytes}}}}
                   .dump()
              << "\n";
    return code;
  }
  print_agent(running, config->cache_dir);
  std::cout << format("upstream: {}{}\n",
                      upstream,
                      config->offline ? " (offline: cache only)" : "");
  if (!store) {
    std::cout << format("cache:    none yet at {}\n",
                        config->cache_dir.string());
    return code;
  }
  std::cout << format(
    "cache:    {}, {}, {} ({}% of max_size {})\n",
    config->cache_dir.string(),
    count(static_cast<std::uint64_t>(totals.entries), "entry", "entries"),
    human_size(totals.bytes),
    max_size > 0 ? totals.bytes * 100 / max_size : 0,
    human_size(max_size));
  if (mirrors > 0) {
    std::cout << format(
      "git:      {} {}, {} (private modules; not in max_size; to drop them, "
      "stop the agent and remove {})\n",
      mirrors,
      mirrors == 1 ? "mirror" : "mirrors",
      human_size(git_bytes),
      (config->cache_dir / "git").string());
  }
  return code;
}

int
run_stats(const StatusOptions& o)
{
  auto config = load_settings(o.cache_dir);
  if (!config) {
    return fail(config.error());
  }
  auto store = open_cache(*config);
  if (!store && store.error().code != Error::Code::not_found) {
    return fail(store.error());
  }
  if (o.zero) {
    if (!store) {
      std::cout << "gpx stats: no cache yet; nothing to zero\n";
      return 0;
    }
    if (auto ok = (*store)->with_index(
          [](cache::Index& index) { return index.reset_counters(); });
        !ok) {
      return fail(ok.error());
    }
    std::cout << "gpx stats: counters zeroed\n";
    return 0;
  }
  // No cache yet is a machine where nothing was counted: zeros, as ccache -s.
  auto read = [&](const char* name) -> std::int64_t {
    if (!store) {
      return 0;
    }
    auto v = (*store)->with_index(
      [&](cache::Index& index) { return index.counter(name); });
    return v ? *v : 0;
  };
  cache::Totals totals{};
  if (store) {
    auto t =
      (*store)->with_index([](cache::Index& index) { return index.totals(); });
    if (!t) {
      return fail(t.error());
    }
    totals = *t;
  }
  auto hits = read("hits");
  auto misses = read("misses");
  double ratio = hits + misses > 0 ? static_cast<double>(hits)
                                       / static_cast<double>(hits + misses)
                                   : 0.0;
  if (o.json) {
    std::cout << nlohmann::json{{"cache_dir", config->cache_dir.string()},
                                {"entries", totals.entries},
                                {"bytes", totals.bytes},
                                {"hits", hits},
                                {"misses", misses},
                                {"hit_ratio", ratio},
                                {"upstream_errors", read("upstream_errors")},
                                {"bytes_served", read("bytes_served")},
                                {"bytes_fetched", read("bytes_fetched")}}
                   .dump()
              << "\n";
    return 0;
  }
  std::cout << format("cache dir        {}{}\n",
                      config->cache_dir.string(),
                      store ? "" : " (none yet)")
            << format("entries          {}\n", totals.entries)
            << format("size             {}\n", human_size(totals.bytes))
            << format("hits             {}\n", hits)
            << format("misses           {}\n", misses)
            << format("hit ratio        {:.1f}%\n", ratio * 100)
            << format("upstream errors  {}\n", read("upstream_errors"))
            << format("bytes served     {}\n", human_size(read("bytes_served")))
            << format("bytes fetched    {}\n",
                      human_size(read("bytes_fetched")));
  return 0;
}

} // namespace

void
register_status(CLI::App& app, Context& ctx)
{
  auto o = std::make_shared<StatusOptions>();
  auto* status = app.add_subcommand(
    "status", "Is the agent up, where, and how full is the cache");
  status->add_option(
    "--cache-dir",
    o->cache_dir,
    "the cache to describe (default: GPX_CACHE_DIR or the config's)");
  status->add_flag(
    "--json",
    o->json,
    "print the status as JSON (schema: docs/gpx.schema.json, $defs/status)");
  status->footer(
    "The agent is the one serving the cache (however it was started), else the "
    "one of 'gpx agent start',\n"
    "else one answering at the configured listen address.\n"
    "Exit status 0 when the agent runs and answers, 1 otherwise.\n\n"
    "Examples:\n  gpx status\n  gpx status --cache-dir /tmp/gpx-cache --json");
  status->callback([o, &ctx] { ctx.exit_code = run_status(*o); });

  auto* stats = app.add_subcommand(
    "stats", "Hits, misses, bytes served and fetched, across agent restarts");
  stats->add_option("--cache-dir",
                    o->cache_dir,
                    "the cache whose counters to show (default: GPX_CACHE_DIR "
                    "or the config's)");
  stats->add_flag(
    "--json",
    o->json,
    "print the counters as JSON (schema: docs/gpx.schema.json, $defs/stats)");
  stats->add_flag("--zero", o->zero, "reset the counters to zero");
  stats->footer(
    "The agent saves its counters every few seconds.\n\n"
    "Examples:\n"
    "  gpx stats\n"
    "  gpx stats --json\n"
    "  gpx stats --zero");
  stats->callback([o, &ctx] { ctx.exit_code = run_stats(*o); });
}

} // namespace gpx::cli
