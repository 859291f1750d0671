// gpx status: the agent and the cache at a glance; gpx stats: the counters.

#include "agent_control.hpp"
#include "context.hpp"
#include "settings.hpp"

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
  auto running = find_any_agent(*paths, config->listen);
  if (running && running->pid == 0) {
    std::cout << format("agent:    answering at {} (a service, or one in a terminal)\n", running->url);
  } else if (running) {
    std::cout << format("agent:    running at {} (pid {}), {}\n", running->url, running->pid,
                        running->healthy ? "healthy" : "NOT answering /healthz");
  } else {
    std::cout << "agent:    not running (start it with 'gpx agent start')\n";
  }
  std::cout << format("upstream: {}{}\n", redact_list(config->upstream), config->offline ? " (offline: cache only)" : "");
  auto store = open_cache(*config);
  if (!store) {
    std::cout << format("cache:    none yet at {}\n", config->cache_dir.string());
    return running && running->healthy ? 0 : 1;
  }
  auto totals = (*store)->with_index([](cache::Index& index) { return index.totals(); });
  if (!totals) {
    return fail(totals.error());
  }
  std::cout << format("cache:    {}, {} entries, {} ({}% of max_size {})\n",
                      config->cache_dir.string(),
                      totals->entries,
                      human_size(totals->bytes),
                      config->max_size > 0 ? totals->bytes * 100 / static_cast<std::int64_t>(config->max_size) : 0,
                      human_size(static_cast<std::int64_t>(config->max_size)));
  // Git mirrors of private modules: a cache too, but outside the index and
  // max_size (served versions live in download/ and survive their removal).
  std::error_code ec;
  std::int64_t mirrors = 0;
  std::int64_t git_bytes = 0;
  for (const auto& e : fs::directory_iterator(config->cache_dir / "git", ec)) {
    mirrors += e.is_directory(ec) ? 1 : 0;
  }
  for (auto it = fs::recursive_directory_iterator(config->cache_dir / "git", ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      git_bytes += static_cast<std::int64_t>(it->file_size(ec));
    }
  }
  if (mirrors > 0) {
    std::cout << format("git:      {} {}, {} (private modules; not in max_size; to drop them, stop the agent and remove {})\n",
                        mirrors, mirrors == 1 ? "mirror" : "mirrors", human_size(git_bytes), (config->cache_dir / "git").string());
  }
  return running && running->healthy ? 0 : 1;
}

int
run_stats(const StatusOptions& o)
{
  auto opened = open_configured_cache(o.cache_dir);
  if (!opened) {
    return fail(opened.error());
  }
  auto* config = &opened->config;
  auto* store = &opened->store;
  if (o.zero) {
    if (auto ok = (*store)->with_index([](cache::Index& index) { return index.reset_counters(); }); !ok) {
      return fail(ok.error());
    }
    std::cout << "gpx stats: counters zeroed\n";
    return 0;
  }
  auto read = [&](const char* name) {
    auto v = (*store)->with_index([&](cache::Index& index) { return index.counter(name); });
    return v ? *v : 0;
  };
  auto totals = (*store)->with_index([](cache::Index& index) { return index.totals(); });
  if (!totals) {
    return fail(totals.error());
  }
  auto hits = read("hits");
  auto misses = read("misses");
  double ratio = hits + misses > 0 ? static_cast<double>(hits) / static_cast<double>(hits + misses) : 0.0;
  if (o.json) {
    std::cout << nlohmann::json{{"cache_dir", config->cache_dir.string()},
                                {"entries", totals->entries},
                                {"bytes", totals->bytes},
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
  std::cout << format("cache dir        {}\n", config->cache_dir.string())
            << format("entries          {}\n", totals->entries)
            << format("size             {}\n", human_size(totals->bytes))
            << format("hits             {}\n", hits)
            << format("misses           {}\n", misses)
            << format("hit ratio        {:.1f}%\n", ratio * 100)
            << format("upstream errors  {}\n", read("upstream_errors"))
            << format("bytes served     {}\n", human_size(read("bytes_served")))
            << format("bytes fetched    {}\n", human_size(read("bytes_fetched")));
  return 0;
}

} // namespace

void
register_status(CLI::App& app, Context& ctx)
{
  auto o = std::make_shared<StatusOptions>();
  auto* status = app.add_subcommand("status", "Is the agent up, where, and how full is the cache");
  status->add_option("--cache-dir", o->cache_dir, "the cache to describe (default: GPX_CACHE_DIR or the config's)");
  status->footer("Exit status 0 when the agent runs and answers, 1 otherwise.\n\nExample:\n  gpx status");
  status->callback([o, &ctx] { ctx.exit_code = run_status(*o); });

  auto* stats = app.add_subcommand("stats", "Hits, misses, bytes served and fetched, across agent restarts");
  stats->add_option("--cache-dir", o->cache_dir, "the cache whose counters to show (default: GPX_CACHE_DIR or the config's)");
  stats->add_flag("--json", o->json, "print the counters as JSON");
  stats->add_flag("--zero", o->zero, "reset the counters to zero");
  stats->footer("The agent saves its counters every few seconds.\n\n"
                "Examples:\n"
                "  gpx stats\n"
                "  gpx stats --json\n"
                "  gpx stats --zero");
  stats->callback([o, &ctx] { ctx.exit_code = run_stats(*o); });
}

} // namespace gpx::cli
