// gpx import / gpx export: the cache without a network. Import seeds it from
// an existing module cache or a bundle; export writes a bundle (GOPROXY
// layout plus a manifest) to carry to an air-gapped machine.

#include "context.hpp"
#include "go_env.hpp"
#include "project.hpp"
#include "settings.hpp"
#include "wording.hpp"

#include <cache/transfer.hpp>
#include <gomod/format.hpp>
#include <gomod/gover.hpp>

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <set>

namespace fs = std::filesystem;

namespace gpx::cli {

namespace {

struct TransferOptions
{
  std::string bundle;
  std::string from_modcache;
  bool modcache = false;
  bool copy = false;
  std::vector<std::string> for_projects;
  std::string cache_dir;
  bool json = false;
};

void
print_report(const cache::TransferReport& r,
             const char* verb,
             const fs::path& where,
             bool json)
{
  if (json) {
    std::cout << nlohmann::json{{"files", r.files},
                                {"bytes", r.bytes},
                                {"skipped", r.skipped},
                                {"rejected", r.rejected},
                                {"problems", r.problems},
                                {"path", where.string()}}
                   .dump()
              << "\n";
    return;
  }
  for (const auto& p : r.problems) {
    std::cerr << "gpx " << verb << ": rejected " << p << "\n";
  }
  std::cout << format("gpx {}: {}, {}{}{} ({})\n",
                      verb,
                      count(r.files, "file"),
                      human_size(r.bytes),
                      r.skipped > 0 ? format("; {} already cached", r.skipped)
                                    : "",
                      r.rejected > 0 ? format("; {} REJECTED", r.rejected) : "",
                      where.string());
}

int
run_import(const TransferOptions& o)
{
  if (o.modcache == !o.bundle.empty()) {
    return fail(
      Error::invalid("give either --from-modcache [DIR] or a BUNDLE directory"),
      "e.g. gpx import --from-modcache, or gpx import /media/usb/gpx-bundle");
  }
  fs::path root = o.bundle;
  if (o.modcache) {
    std::string modcache = o.from_modcache;
    if (modcache.empty()) {
      auto v = go_env_values({"GOMODCACHE"});
      if (!v) {
        return fail(Error::io("cannot ask the go command for GOMODCACHE"),
                    "name the module cache: --from-modcache DIR");
      }
      modcache = v->front();
    }
    root = fs::path(modcache) / "cache" / "download";
  }
  auto config = load_settings(o.cache_dir);
  if (!config) {
    return fail(config.error());
  }
  // Importing may start a cache: opened (created) directly.
  auto store = cache::Store::open(config->cache_dir);
  if (!store) {
    return fail(store.error());
  }
  auto proof = proof_options(*config);
  if (!proof) {
    return fail(proof.error());
  }
  // Hard links only from the go command's module cache, whose files it
  // keeps read-only; a bundle is copied, so editing it later cannot change
  // the cache behind the index's back.
  bool link = !o.copy && o.modcache;
  auto report = cache::import_tree(**store, root, link, &*proof);
  if (!report) {
    return fail(report.error());
  }
  print_report(*report, "import", root, o.json);
  if (report->rejected > 0) {
    return fail(
      Error::invalid(format("{} failed {} checks and {} not imported",
                            count(report->rejected, "file"),
                            report->rejected == 1 ? "its" : "their",
                            report->rejected == 1 ? "was" : "were")),
      "the lines above say which and why; a bundle may be damaged in transit");
  }
  return 0;
}

int
run_export(const TransferOptions& o)
{
  auto opened = open_configured_cache(o.cache_dir);
  if (!opened) {
    return fail(opened.error());
  }
  // With --for, only what those projects need: their go.sum versions, their
  // toolchain, and the checksum database's tree.
  std::set<std::string> versions;
  std::vector<std::string> toolchains;
  for (const auto& p : o.for_projects) {
    auto project = load_project(p);
    if (!project) {
      return fail(project.error(),
                  "give a module directory, a go.mod or a go.work");
    }
    for (const auto& [key, entry] : project->sums.entries) {
      versions.insert(key);
    }
    if (auto tc = gomod::gover::from_toolchain(project->toolchain);
        !tc.empty()) {
      toolchains.push_back("v0.0.1-go" + std::string(tc) + ".");
    }
  }
  bool all = o.for_projects.empty();
  auto select = [&](const cache::ArtifactRow& row) {
    if (all || (row.kind == "sumdb" && row.module.empty())
        || versions.count(row.module + "@" + row.version) != 0) {
      return true;
    }
    for (const auto& prefix : toolchains) {
      if (row.module == "golang.org/toolchain"
          && row.version.starts_with(prefix)) {
        return true;
      }
    }
    return false;
  };
  auto report = cache::export_tree(*opened->store, o.bundle, select);
  if (!report) {
    return fail(report.error());
  }
  print_report(*report, "export", o.bundle, o.json);
  return 0;
}

} // namespace

void
register_transfer(CLI::App& app, Context& ctx)
{
  auto o = std::make_shared<TransferOptions>();
  auto* imp = app.add_subcommand(
    "import",
    "Seed the cache from a module cache or a bundle, checking every file");
  imp->add_option(
    "BUNDLE", o->bundle, "a bundle directory written by gpx export");
  auto* from =
    imp
      ->add_option("--from-modcache",
                   o->from_modcache,
                   "import a go module cache (default DIR: go env GOMODCACHE)")
      ->expected(0, 1)
      ->type_name("[DIR]");
  imp->add_flag("--copy", o->copy, "copy files even where hard links would do");
  imp->add_option("--cache-dir",
                  o->cache_dir,
                  "the cache to fill (default: GPX_CACHE_DIR or the config's)");
  imp->add_flag("--json", o->json, "print the report as JSON");
  imp->footer(
    "Zips are checked against the module zip rules and their .ziphash, .info "
    "and .mod against\n"
    "their names, bundle files against the bundle's manifest; nothing that "
    "fails is imported.\n\n"
    "Examples:\n"
    "  gpx import --from-modcache\n"
    "  gpx import --from-modcache ~/go/pkg/mod\n"
    "  gpx import /media/usb/gpx-bundle");
  imp->callback([o, from, &ctx] {
    o->modcache = from->count() > 0;
    ctx.exit_code = run_import(*o);
  });

  auto* exp = app.add_subcommand(
    "export",
    "Write a bundle (GOPROXY layout + manifest) for an air-gapped machine");
  exp->add_option("BUNDLE", o->bundle, "directory to write")->required();
  exp->add_option(
    "--for",
    o->for_projects,
    "only what these projects need (directories, go.mod or go.work files)");
  exp->add_option(
    "--cache-dir",
    o->cache_dir,
    "the cache to export (default: GPX_CACHE_DIR or the config's)");
  exp->add_flag("--json", o->json, "print the report as JSON");
  exp->footer(
    "The bundle works as GOPROXY=file://BUNDLE on its own; 'gpx import BUNDLE' "
    "checks and adds it.\n\n"
    "Examples:\n"
    "  gpx export /media/usb/gpx-bundle --for ~/src/service\n"
    "  gpx export ./everything");
  exp->callback([o, &ctx] { ctx.exit_code = run_export(*o); });
}

} // namespace gpx::cli
