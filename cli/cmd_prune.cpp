// gpx prune: keep the cache in budget, least recently used first.

#include "context.hpp"
#include "project.hpp"
#include "settings.hpp"
#include "usage.hpp"
#include "wording.hpp"

#include <cache/prune.hpp>
#include <gomod/format.hpp>
#include <gomod/gover.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>
#include <memory>
#include <set>

namespace gpx::cli {

namespace {

struct PruneCliOptions
{
  std::string max_size;
  std::string older_than;
  std::string cache_dir;
  bool dry_run = false;
  bool json = false;
  bool include_pinned = false;
};

// What registered projects need offline: the module versions their go.sum
// files name, the toolchain their go.mod asks for, and the checksum
// database's tree (tiles, latest), without which nothing verifies.
struct Pins
{
  int projects = 0;
  std::set<std::string> versions;              // "path@version"
  std::vector<std::string> toolchain_prefixes; // "v0.0.1-go1.22.3."

  bool
  keeps(const cache::ArtifactRow& row) const
  {
    if (projects == 0) {
      return false;
    }
    if (row.kind == "sumdb" && row.module.empty()) {
      return true;
    }
    if (versions.count(row.module + "@" + row.version) != 0) {
      return true;
    }
    if (row.module == "golang.org/toolchain") {
      for (const auto& prefix : toolchain_prefixes) {
        if (row.version.starts_with(prefix)) {
          return true;
        }
      }
    }
    return false;
  }
};

Pins
registered_pins()
{
  Pins pins;
  for (const auto& file : registered_projects()) {
    auto p = load_project(file);
    if (!p) {
      std::cerr << format(
        "gpx prune: warning: registered project {} cannot be read ({}); "
        "'gpx projects --forget {}' if it is gone\n",
        file,
        p.error().message,
        file);
      continue;
    }
    ++pins.projects;
    for (const auto& [key, entry] : p->sums.entries) {
      pins.versions.insert(key);
    }
    if (auto tc = gomod::gover::from_toolchain(p->toolchain); !tc.empty()) {
      pins.toolchain_prefixes.push_back("v0.0.1-go" + std::string(tc) + ".");
    }
    if (!p->go_version.empty()) {
      pins.toolchain_prefixes.push_back("v0.0.1-go" + p->go_version + ".");
    }
  }
  return pins;
}

// The bytes in the cache that registered projects need.
Result<std::int64_t>
bytes_pinned(cache::Store& store, const Pins& pins)
{
  auto rows = store.with_index(
    [](cache::Index& index) { return index.least_recently_used(INT64_MAX); });
  if (!rows) {
    return rows.error();
  }
  std::int64_t bytes = 0;
  for (const auto& row : *rows) {
    bytes += pins.keeps(row) ? row.size : 0;
  }
  return bytes;
}

int
run_prune(const PruneCliOptions& o)
{
  auto config = load_settings(o.cache_dir);
  if (!config) {
    return fail(config.error());
  }
  cache::PruneOptions p;
  p.dry_run = o.dry_run;
  if (!o.max_size.empty()) {
    auto size = agent::parse_size(o.max_size);
    if (!size) {
      return usage_error(size.error().wrap("--max-size"));
    }
    p.max_size = *size;
  }
  if (!o.older_than.empty()) {
    auto age = agent::parse_duration(o.older_than);
    if (!age) {
      return usage_error(age.error().wrap("--older-than"));
    }
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch());
    p.older_than = (now - *age).count();
  }
  if (o.max_size.empty() && o.older_than.empty()) {
    p.max_size = config->max_size; // the configured budget
  }
  auto pins = o.include_pinned ? Pins{} : registered_pins();
  int projects = pins.projects;
  if (projects > 0) {
    p.pinned = [&](const cache::ArtifactRow& row) { return pins.keeps(row); };
  }
  auto store = open_cache(*config);
  if (!store) {
    return fail(store.error());
  }
  auto report = cache::prune(**store, p);
  if (!report) {
    return fail(report.error());
  }
  auto pinned_bytes =
    projects > 0 ? bytes_pinned(**store, pins) : Result<std::int64_t>(0);
  if (!pinned_bytes) {
    return fail(pinned_bytes.error());
  }
  auto bound = static_cast<std::int64_t>(p.max_size);
  std::int64_t over_by =
    bound > 0 && report->bytes_after > bound ? report->bytes_after - bound : 0;
  if (o.json) {
    std::cout << nlohmann::json{{"cache_dir", config->cache_dir.string()},
                                {"dry_run", o.dry_run},
                                {"max_size_bytes",
                                 bound > 0 ? nlohmann::json(bound)
                                           : nlohmann::json()},
                                {"bytes_before", report->bytes_before},
                                {"bytes_after", report->bytes_after},
                                {"bytes_freed", report->bytes_freed},
                                {"entries_removed", report->entries_removed},
                                {"pinned_projects", projects},
                                {"pinned_bytes", *pinned_bytes},
                                {"over_budget", over_by > 0},
                                {"over_by_bytes", over_by},
                                {"removed", report->removed}}
                   .dump()
              << "\n";
  } else {
    for (const auto& path : report->removed) {
      std::cout << (o.dry_run ? "would remove " : "removed ") << path << "\n";
    }
    std::cout << format(
      "gpx prune: {}{} in {}; the cache {} {} (was {})\n",
      o.dry_run ? "would free " : "freed ",
      human_size(report->bytes_freed),
      count(static_cast<std::uint64_t>(report->entries_removed), "file"),
      o.dry_run ? "would be" : "is now",
      human_size(report->bytes_after),
      human_size(report->bytes_before));
    if (projects > 0) {
      std::cout << format(
        "gpx prune: registered projects need {} ({} {}; 'gpx projects' lists "
        "them; --include-pinned ignores them)\n",
        human_size(*pinned_bytes),
        projects,
        projects == 1 ? "project" : "projects");
    }
    if (o.dry_run && bound > 0) {
      std::cout
        << (over_by > 0
              ? format("gpx prune: the cache would still be over the bound of "
                       "{} by {}\n",
                       human_size(bound),
                       human_size(over_by))
              : format("gpx prune: the cache would be within the bound of {}\n",
                       human_size(bound)));
    }
  }
  if (over_by == 0 || o.dry_run) {
    return 0;
  }
  return fail(Error::io(format("the cache is still over the bound of {} by {}: "
                               "registered projects need {} of it",
                               human_size(bound),
                               human_size(over_by),
                               human_size(*pinned_bytes))),
              "free more with 'gpx projects --forget DIR' for projects you no "
              "longer build, "
              "or 'gpx prune --include-pinned' to remove what they need too "
              "(prefetch brings it back)");
}

} // namespace

void
register_prune(CLI::App& app, Context& ctx)
{
  auto o = std::make_shared<PruneCliOptions>();
  auto* prune = app.add_subcommand(
    "prune",
    "Remove least recently used artifacts to keep the cache in budget");
  prune->add_option("--max-size",
                    o->max_size,
                    "shrink to 90% of this size, e.g. 500MB, 5GiB (default: "
                    "the config's max_size)");
  prune->add_option(
    "--older-than",
    o->older_than,
    "remove what was last used longer ago than this, e.g. 90d, 12h");
  prune->add_option(
    "--cache-dir",
    o->cache_dir,
    "the cache to prune (default: GPX_CACHE_DIR or the config's)");
  prune->add_flag(
    "--dry-run", o->dry_run, "list what would go; remove nothing");
  prune->add_flag(
    "--json",
    o->json,
    "print the report as JSON (schema: docs/gpx.schema.json, $defs/prune)");
  prune->add_flag(
    "--include-pinned",
    o->include_pinned,
    "also remove what registered projects need (see gpx projects)");
  prune->footer(
    "Safe while the agent runs: a download being served keeps its open file.\n"
    "What registered projects need stays; exit status 1 when the cache is left "
    "over the bound\n"
    "(a dry run only says so).\n\n"
    "Examples:\n"
    "  gpx prune --max-size 5GiB\n"
    "  gpx prune --older-than 90d --dry-run\n"
    "  gpx prune --json");
  prune->callback([o, &ctx] { ctx.exit_code = run_prune(*o); });
}

} // namespace gpx::cli
