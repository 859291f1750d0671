// gpx ls: the module versions in the cache.

#include "context.hpp"
#include "settings.hpp"

#include <gomod/format.hpp>
#include <gomod/semver.hpp>

#include <nlohmann/json.hpp>

#include <iostream>
#include <map>
#include <memory>

namespace gpx::cli {

namespace {

struct LsOptions
{
  std::string pattern;
  std::string cache_dir;
  bool json = false;
};

struct Entry
{
  bool info = false;
  bool mod = false;
  bool zip = false;
  std::int64_t bytes = 0;
};

int
run_ls(const LsOptions& o)
{
  auto opened = open_configured_cache(o.cache_dir);
  if (!opened) {
    return fail(opened.error());
  }
  auto* store = &opened->store;
  auto rows = (*store)->with_index(
    [](cache::Index& index) { return index.with_prefix("download/"); });
  if (!rows) {
    return fail(rows.error());
  }
  std::map<std::string, std::map<std::string, Entry>> modules;
  for (const auto& r : *rows) {
    // Queries (branches, @latest) are not versions; +incompatible ones are
    // (module.CanonicalVersion keeps the suffix, as the go command serves it).
    if ((r.kind != "info" && r.kind != "mod" && r.kind != "zip")
        || r.version.empty()
        || gomod::canonical_version(r.version) != r.version) {
      continue;
    }
    if (!o.pattern.empty()
        && !gomod::match_prefix_patterns(o.pattern, r.module)) {
      continue;
    }
    auto& e = modules[r.module][r.version];
    (r.kind == "info" ? e.info : r.kind == "mod" ? e.mod : e.zip) = true;
    e.bytes += r.size;
  }
  auto out = nlohmann::json::array();
  for (const auto& [module, versions] : modules) {
    std::vector<std::string> sorted;
    for (const auto& [v, e] : versions) {
      sorted.push_back(v);
    }
    gomod::semver::sort(sorted);
    for (const auto& v : sorted) {
      const auto& e = versions.at(v);
      std::string have = std::string(e.info ? "info " : "")
                         + (e.mod ? "mod " : "") + (e.zip ? "zip" : "");
      if (o.json) {
        out.push_back({{"module", module},
                       {"version", v},
                       {"info", e.info},
                       {"mod", e.mod},
                       {"zip", e.zip},
                       {"bytes", e.bytes}});
      } else {
        std::cout << format(
          "{} {}  {}  {}\n", module, v, human_size(e.bytes), have);
      }
    }
  }
  if (o.json) {
    std::cout << out.dump() << "\n";
  }
  return 0;
}

} // namespace

void
register_ls(CLI::App& app, Context& ctx)
{
  auto o = std::make_shared<LsOptions>();
  auto* cmd = app.add_subcommand("ls", "List the module versions in the cache");
  cmd->add_option(
    "PATTERN",
    o->pattern,
    "module path globs, GOPRIVATE syntax (e.g. 'rsc.io/*,golang.org/x')");
  cmd->add_option("--cache-dir",
                  o->cache_dir,
                  "the cache to list (default: GPX_CACHE_DIR or the config's)");
  cmd->add_flag("--json",
                o->json,
                "print a JSON array (schema: docs/gpx.schema.json, $defs/ls)");
  cmd->footer(
    "Examples:\n"
    "  gpx ls\n"
    "  gpx ls 'github.com/acme/*'\n"
    "  gpx ls golang.org/x --json");
  cmd->callback([o, &ctx] { ctx.exit_code = run_ls(*o); });
}

} // namespace gpx::cli
