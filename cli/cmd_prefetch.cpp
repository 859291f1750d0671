// gpx prefetch: everything a project needs, into the agent's cache, before
// going offline: the go.mod of every module version in its requirement
// graph (pruned as the go command prunes it), the .info and .zip of every
// version it selects, everything its go.sum names, and the checksum
// database's lookups of them. Downloads are checked against go.sum.

#include "context.hpp"
#include "go_env.hpp"
#include "process.hpp"
#include "project.hpp"
#include "settings.hpp"

#include <agent/http_client.hpp>
#include <cache/layout.hpp>
#include <cache/atomic_file.hpp>
#include <gomod/dirhash.hpp>
#include <gomod/format.hpp>
#include <gomod/gover.hpp>
#include <gomod/semver.hpp>
#include <gomod/modgraph.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gpx::cli {

namespace {

struct PrefetchOptions
{
  std::vector<std::string> paths;
  std::string agent;
  int jobs = 8;
  bool json = false;
};

// Runs tasks on `jobs` threads, each with its own HTTP client.
void
run_parallel(std::size_t count, int jobs, const std::function<void(std::size_t, agent::HttpClient&)>& task)
{
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> threads;
  auto n = std::max(1, std::min<int>(jobs, static_cast<int>(count)));
  for (int t = 0; t < n; ++t) {
    threads.emplace_back([&] {
      agent::HttpClient client;
      for (std::size_t i = next++; i < count; i = next++) {
        task(i, client);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
}

// The go command's view of privacy and the checksum database, from go env
// when go is here (it merges the environment and go env -w), else from the
// environment alone.
struct GoSettings
{
  std::string noproxy;  // GONOPROXY (defaults to GOPRIVATE)
  std::string nosumdb;  // GONOSUMDB (defaults to GOPRIVATE)
  std::string sumdb = "sum.golang.org";
};

GoSettings
go_settings(const std::string& private_patterns)
{
  GoSettings s;
  auto env = [](const char* k) { return std::string(std::getenv(k) ? std::getenv(k) : ""); };
  std::string goprivate = env("GOPRIVATE");
  s.noproxy = env("GONOPROXY");
  s.nosumdb = env("GONOSUMDB");
  if (auto gosumdb = env("GOSUMDB"); !gosumdb.empty()) {
    s.sumdb = gosumdb;
  }
  if (auto v = go_env_values({"GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOSUMDB"})) {
    goprivate = (*v)[0];
    s.noproxy = (*v)[1];
    s.nosumdb = (*v)[2];
    s.sumdb = (*v)[3];
  }
  if (s.noproxy.empty()) {
    s.noproxy = goprivate;
  }
  if (s.nosumdb.empty()) {
    s.nosumdb = goprivate;
  }
  // The agent serves its private modules from git, so they are prefetched
  // like the others (unless GONOPROXY sends the go command elsewhere), but
  // never looked up in a checksum database.
  if (!private_patterns.empty()) {
    s.nosumdb += (s.nosumdb.empty() ? "" : ",") + private_patterns;
  }
  return s;
}

// "sum.golang.org+033de0ae+… https://…" → "sum.golang.org"; "off" → "".
std::string
sumdb_name(const std::string& gosumdb)
{
  if (gosumdb == "off") {
    return "";
  }
  auto name = gosumdb.substr(0, gosumdb.find_first_of("+ "));
  return name;
}

std::string
module_url(const std::string& agent_url, const gomod::Version& m, std::string_view ext)
{
  auto path = gomod::escape_path(m.path);
  auto version = gomod::escape_version(m.version);
  return format("{}/{}/@v/{}{}", agent_url, path ? *path : m.path, version ? *version : m.version, ext);
}

struct Report
{
  std::mutex mutex;
  std::vector<std::string> errors;
  std::vector<std::string> mismatches;
  std::atomic<std::int64_t> bytes{0};
  std::atomic<int> done{0};
  int total = 0;
  bool tty = false;
  bool quiet = false;

  void
  error(std::string e)
  {
    std::lock_guard lock(mutex);
    errors.push_back(std::move(e));
  }
  void
  mismatch(std::string e)
  {
    std::lock_guard lock(mutex);
    mismatches.push_back(std::move(e));
  }
  void
  progress(const std::string& what)
  {
    int n = ++done;
    if (quiet) {
      return;
    }
    std::lock_guard lock(mutex);
    if (tty) {
      std::cerr << format("\r\x1b[K[{}/{}] {}", n, total, what) << std::flush;
    } else {
      std::cerr << format("gpx prefetch: [{}/{}] {}\n", n, total, what);
    }
  }
};

// The agent's hit and miss counters, to tell what was already cached.
std::pair<std::int64_t, std::int64_t>
agent_counters(agent::HttpClient& client, const std::string& agent_url)
{
  auto r = client.get(agent_url + "/metrics", 1 << 20);
  std::int64_t hits = 0;
  std::int64_t misses = 0;
  if (r && r->status == 200) {
    std::istringstream lines(r->body);
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("gpx_cache_hits_total ")) {
        hits = std::atoll(line.c_str() + 21);
      } else if (line.starts_with("gpx_cache_misses_total ")) {
        misses = std::atoll(line.c_str() + 23);
      }
    }
  }
  return {hits, misses};
}

// The go command's toolchain switch (cmd/go/internal/toolchain): with
// GOTOOLCHAIN=auto, a go.mod whose toolchain line, or else go line, names a
// newer Go than the local one makes the go command download
// golang.org/toolchain@v0.0.1-goV.GOOS-GOARCH and run that instead. Returns
// "goV", or "" when the local go will do. A go line that is only a language
// (1.21 and later, no patch) means its newest release in `versions`.
std::string
wanted_toolchain(const Project& p, std::string_view local, const std::vector<std::string>& versions, std::string_view platform)
{
  auto tc = gomod::gover::from_toolchain(p.toolchain);
  if (!tc.empty() && gomod::gover::compare(tc, local) > 0) {
    return "go" + std::string(tc);
  }
  if (p.go_version.empty() || gomod::gover::compare(p.go_version, local) <= 0) {
    return "";
  }
  bool language_only = p.go_version.find('.') == p.go_version.rfind('.')
                       && p.go_version.find_first_not_of("0123456789.") == std::string::npos
                       && gomod::gover::compare(p.go_version, "1.21") >= 0;
  if (!language_only) {
    return "go" + p.go_version;
  }
  // The newest release of that language the proxy lists for this platform.
  std::string best;
  auto suffix = "." + std::string(platform);
  for (const auto& v : versions) {
    if (!v.starts_with("v0.0.1-go") || !v.ends_with(suffix)) {
      continue;
    }
    auto goversion = v.substr(9, v.size() - 9 - suffix.size());
    if (goversion.starts_with(p.go_version + ".") && goversion.find_first_not_of("0123456789.") == std::string::npos
        && (best.empty() || gomod::gover::compare(goversion, best) > 0)) {
      best = goversion;
    }
  }
  return best.empty() ? "go" + p.go_version + ".0" : "go" + best;
}

// Has the go command itself download the toolchain through the agent, into
// a throw-away module cache: the agent then holds the module, its checksum
// database record and exactly the tiles and tree head the go command needs
// to verify it again offline.
Status
fetch_toolchain(const std::string& agent_url, const gomod::Version& mv, const std::string& gosumdb)
{
  auto tmp = fs::temp_directory_path() / format("gpx-toolchain-{}", getpid());
  std::error_code ec;
  fs::create_directories(tmp, ec);
  auto r = run_process({"go", "mod", "download", "-json", mv.str()},
                       {"GOPROXY=" + agent_url, "GOMODCACHE=" + (tmp / "mod").string(), "GOPATH=" + (tmp / "gopath").string(),
                        "GOSUMDB=" + gosumdb, "GONOSUMDB=", "GONOSUMCHECK=", "GOPRIVATE=", "GONOPROXY=",
                        "GOFLAGS=-modcacherw", "GOTOOLCHAIN=local", "GOWORK=off", "GO111MODULE=on"},
                       tmp);
  fs::remove_all(tmp, ec);
  if (!r) {
    return r.error();
  }
  if (r->exit_code != 0) {
    auto why = r->err.empty() ? r->out : r->err;
    return make_error(Error::Code::upstream, format("toolchain {}: go mod download failed: {}", mv.str(), why));
  }
  return {};
}

struct Item
{
  gomod::Version requested; // as the graph names it
  Source source;            // what is downloaded for it
  bool zip = false;
};

// What the go command needs to verify offline, through the agent, a module
// this prefetch fetched: the database's supported marker, one signed tree
// head, and every lookup with the tiles proving it in that tree. The
// lookups are asked once more at the end because the agent answers each
// with its latest tree head, which the first pass may have moved: asking
// again proves every record in the final head, which caches its tiles.
void
settle_proofs(const std::string& agent_url, const std::string& db, const std::vector<std::string>& lookups, int jobs,
              Report& report)
{
  agent::HttpClient client;
  auto r = client.get(format("{}/sumdb/{}/supported", agent_url, db), 4096);
  if (!r) {
    report.error(r.error().message);
    return;
  }
  if (r->status != 200) {
    // Not an error of this prefetch: the agent proves against another
    // database (its sumdb setting), so the go command asks this one itself.
    if (!report.quiet) {
      std::cerr << format("gpx prefetch: warning: the agent does not serve checksum database {} ({}); offline, the "
                          "go command cannot verify modules missing from go.sum (set the agent's sumdb to GOSUMDB)\n",
                          db, r->body.substr(0, r->body.find('\n')));
    }
    return;
  }
  run_parallel(lookups.size(), jobs, [&](std::size_t i, agent::HttpClient& c) {
    auto answer = c.get(lookups[i], 1 << 20);
    if (answer && answer->status != 200 && answer->status != 404 && answer->status != 410) {
      report.error(format("{}: the agent answered {}: {}", lookups[i], answer->status, answer->body));
    } else if (!answer) {
      report.error(answer.error().message);
    }
  });
}

int
run_prefetch(const PrefetchOptions& o)
{
  auto started = std::chrono::steady_clock::now();
  auto config = load_settings("");
  if (!config) {
    return fail(config.error());
  }
  std::string agent_url = o.agent.empty() ? "http://" + config->listen : o.agent;
  while (!agent_url.empty() && agent_url.back() == '/') {
    agent_url.pop_back();
  }
  agent::HttpClient probe;
  if (auto h = probe.get(agent_url + "/healthz", 1024); !h || h->status != 200) {
    return fail(make_error(Error::Code::io, format("no agent answers at {}", agent_url)),
                "start it with 'gpx agent start', or name another with --agent URL");
  }
  auto before = agent_counters(probe, agent_url);
  auto go = go_settings(config->private_patterns);
  auto db = sumdb_name(go.sumdb);

  Report report;
  report.tty = isatty(2) != 0 && !o.json;
  report.quiet = o.json;
  std::set<std::string> fetched_zip_keys;
  std::mutex lookups_mutex;
  std::vector<std::string> lookups; // every checksum-database lookup asked
  int modules = 0;
  int zips = 0;
  int skipped_private = 0;
  std::vector<std::string> projects;

  for (const auto& arg : o.paths.empty() ? std::vector<std::string>{"."} : o.paths) {
    auto project = load_project(arg);
    if (!project) {
      return fail(project.error(), "give a module directory, a go.mod or a go.work");
    }
    projects.push_back(project->file.string());
    auto is_private = [&](const gomod::Version& m) { return gomod::match_prefix_patterns(go.noproxy, m.path); };

    // 1. The graph: go.mod files, a level at a time, in parallel.
    std::map<std::string, std::string> mod_bodies; // source key → go.mod text
    std::mutex mod_mutex;
    gomod::modgraph::Roots roots{project->roots, project->mains, project->pruned,
                                 [&](const gomod::Version& m) { return project->is_excluded(m); }};
    auto loader = [&](const std::vector<gomod::Version>& batch) {
      std::vector<Result<gomod::modgraph::Summary>> out(batch.size(), make_error(Error::Code::internal, "not loaded"));
      run_parallel(batch.size(), o.jobs, [&](std::size_t i, agent::HttpClient& client) {
        auto src = project->source(batch[i]);
        std::string text;
        if (!src.local_dir.empty()) {
          auto local = cache::read_small_file(src.local_dir / "go.mod");
          // A replacement directory without go.mod stands for a module
          // with no requirements.
          text = local ? *local : "module " + batch[i].path + "\n";
        } else if (is_private(src.mod)) {
          out[i] = gomod::modgraph::Summary{};
          return;
        } else {
          auto r = client.get(module_url(agent_url, src.mod, ".mod"), 16u << 20);
          if (!r || r->status != 200) {
            out[i] = make_error(Error::Code::upstream,
                                r ? format("go.mod of {}: the agent answered {}: {}", src.mod.str(), r->status, r->body)
                                  : r.error().message);
            return;
          }
          text = r->body;
          report.bytes += static_cast<std::int64_t>(text.size());
          std::lock_guard lock(mod_mutex);
          mod_bodies[src.mod.str()] = text;
        }
        auto f = gomod::modfile::parse_lax(src.mod.str() + "/go.mod", text);
        if (!f) {
          out[i] = f.error();
          return;
        }
        gomod::modgraph::Summary s;
        s.go_version = f->go ? f->go->version : "";
        for (const auto& r : f->require) {
          s.require.push_back(r.mod);
        }
        out[i] = std::move(s);
      });
      return out;
    };
    auto graph = gomod::modgraph::load(roots, loader);
    if (!graph) {
      return fail(graph.error(), "the agent could not serve a module the project requires (is it reachable? see 'gpx agent logs')");
    }

    // 2. What to download: every node's .mod and .info, the zip of every
    // selected version, and whatever go.sum names.
    std::map<std::string, Item> items; // source key → item
    auto want = [&](const gomod::Version& m, bool zip) {
      if (project->mains.count(m.path) != 0) {
        return;
      }
      auto src = project->source(m);
      if (!src.local_dir.empty()) {
        return;
      }
      if (is_private(src.mod)) {
        ++skipped_private;
        return;
      }
      auto& item = items[src.mod.str()];
      item.requested = m;
      item.source = src;
      item.zip = item.zip || zip;
    };
    for (const auto& [path, version] : graph->nodes) {
      want({path, version}, false);
    }
    for (const auto& [path, version] : graph->selected) {
      want({path, version}, true);
    }
    for (const auto& [key, entry] : project->sums.entries) {
      auto at = key.rfind('@');
      want({key.substr(0, at), key.substr(at + 1)}, !entry.zip_hash.empty());
    }

    // 3. Download, in parallel; check against go.sum and the checksum DB.
    std::vector<Item> list;
    for (auto& [key, item] : items) {
      list.push_back(item);
    }
    report.total += static_cast<int>(list.size());
    auto tmp_dir = fs::temp_directory_path();
    run_parallel(list.size(), o.jobs, [&](std::size_t i, agent::HttpClient& client) {
      const auto& item = list[i];
      const auto& m = item.source.mod;
      const auto* sum = project->sums.find(m.path, m.version);
      std::string mod_hash;
      // .info and .mod (the graph may have fetched the .mod already).
      for (const char* ext : {".info", ".mod"}) {
        std::string body;
        {
          std::lock_guard lock(mod_mutex);
          if (auto it = mod_bodies.find(m.str()); it != mod_bodies.end() && std::string_view(ext) == ".mod") {
            body = it->second;
          }
        }
        if (body.empty()) {
          auto r = client.get(module_url(agent_url, m, ext), 16u << 20);
          if (!r || r->status != 200) {
            report.error(r ? format("{}{}: the agent answered {}: {}", m.str(), ext, r->status, r->body) : r.error().message);
            report.progress(m.str());
            return;
          }
          body = r->body;
          report.bytes += static_cast<std::int64_t>(body.size());
        }
        if (std::string_view(ext) == ".mod") {
          mod_hash = gomod::dirhash::hash_go_mod(body);
          if (sum != nullptr && !sum->go_mod_hash.empty() && sum->go_mod_hash != mod_hash) {
            report.mismatch(format("{}/go.mod: downloaded {}, go.sum has {}", m.str(), mod_hash, sum->go_mod_hash));
          }
        }
      }
      std::string zip_hash;
      if (item.zip) {
        auto tmp = tmp_dir / format("gpx-prefetch-{}-{}.zip", getpid(), i);
        {
          std::ofstream out(tmp, std::ios::binary);
          std::int64_t got = 0;
          auto r = client.get_stream(module_url(agent_url, m, ".zip"), [&](std::string_view d) -> Status {
            out.write(d.data(), static_cast<std::streamsize>(d.size()));
            got += static_cast<std::int64_t>(d.size());
            return out ? Status{} : make_error(Error::Code::io, format("cannot write {}", tmp.string()));
          });
          report.bytes += got;
          if (!r || r->status != 200) {
            std::error_code ec;
            fs::remove(tmp, ec);
            report.error(r ? format("{}.zip: the agent answered {}: {}", m.str(), r->status, r->body) : r.error().message);
            report.progress(m.str());
            return;
          }
        }
        auto h = gomod::dirhash::hash_zip(tmp);
        std::error_code ec;
        fs::remove(tmp, ec);
        if (!h) {
          report.error(format("{}.zip: {}", m.str(), h.error().message));
        } else {
          zip_hash = *h;
          if (sum != nullptr && !sum->zip_hash.empty() && sum->zip_hash != zip_hash) {
            report.mismatch(format("{}: downloaded {}, go.sum has {}", m.str(), zip_hash, sum->zip_hash));
          }
        }
      }
      // The checksum database's record, so that verification works offline
      // for this module in any project; and a second opinion on the hashes.
      if (!db.empty() && !gomod::match_prefix_patterns(go.nosumdb, m.path)) {
        auto path = gomod::escape_path(m.path);
        auto version = gomod::escape_version(m.version);
        auto url = format("{}/sumdb/{}/lookup/{}@{}", agent_url, db, path ? *path : "", version ? *version : "");
        {
          std::lock_guard lock(lookups_mutex);
          lookups.push_back(url);
        }
        auto r = client.get(url, 1 << 20);
        if (r && r->status == 200) {
          report.bytes += static_cast<std::int64_t>(r->body.size());
          auto check = [&](const std::string& line_suffix, const std::string& have) {
            auto want_prefix = m.path + " " + m.version + line_suffix + " ";
            auto at = r->body.find(want_prefix);
            if (at != std::string::npos && !have.empty()) {
              auto end = r->body.find('\n', at);
              auto db_hash = r->body.substr(at + want_prefix.size(), end - at - want_prefix.size());
              if (db_hash != have) {
                report.mismatch(format("{}{}: downloaded {}, the checksum database {} has {}", m.str(), line_suffix, have, db, db_hash));
              }
            }
          };
          check("", zip_hash);
          check("/go.mod", mod_hash);
        } else if (r && r->status != 404 && r->status != 410) {
          report.error(format("{}: checksum database lookup: the agent answered {}: {}", m.str(), r->status, r->body));
        }
      }
      report.progress(m.str());
    });
    modules += static_cast<int>(list.size());
    for (const auto& item : list) {
      zips += item.zip ? 1 : 0;
    }

    // 4. The toolchain the go command would switch to.
    if (auto host = go_env_values({"GOVERSION", "GOHOSTOS", "GOHOSTARCH"}, {"GOTOOLCHAIN=local"})) {
      auto local = gomod::gover::from_toolchain((*host)[0]);
      auto platform = (*host)[1] + "-" + (*host)[2];
      std::vector<std::string> versions;
      if (!project->go_version.empty() && gomod::gover::compare(project->go_version, local) > 0) {
        if (auto l = probe.get(agent_url + "/golang.org/toolchain/@v/list", 1 << 20); l && l->status == 200) {
          std::istringstream in(l->body);
          for (std::string v; std::getline(in, v);) {
            versions.push_back(v);
          }
        }
      }
      auto tc = wanted_toolchain(*project, local, versions, platform);
      if (!tc.empty()) {
        gomod::Version mv{"golang.org/toolchain", "v0.0.1-" + tc + "." + platform};
        report.total += 1;
        if (auto ok = fetch_toolchain(agent_url, mv, go.sumdb); !ok) {
          report.error(ok.error().message);
        } else {
          if (!db.empty()) {
            lookups.push_back(format("{}/sumdb/{}/lookup/{}@{}", agent_url, db, mv.path, mv.version));
          }
          ++modules;
          ++zips;
        }
        report.progress(mv.str() + " (toolchain)");
      }
    }
  }
  if (!db.empty()) {
    settle_proofs(agent_url, db, lookups, o.jobs, report);
  }
  if (report.tty) {
    std::cerr << "\r\x1b[K";
  }
  auto after = agent_counters(probe, agent_url);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // Registered: prune keeps what their go.sum files name.
  if (auto ok = add_registered_projects(projects); !ok) {
    std::cerr << "gpx prefetch: warning: could not register the project: " << ok.error().message << "\n";
  }

  auto hits = after.first - before.first;
  auto misses = after.second - before.second;
  if (o.json) {
    std::cout << nlohmann::json{{"agent", agent_url},
                                {"projects", projects},
                                {"module_versions", modules},
                                {"zips", zips},
                                {"bytes", report.bytes.load()},
                                {"already_cached", hits},
                                {"fetched", misses},
                                {"skipped_private", skipped_private},
                                {"seconds", seconds},
                                {"errors", report.errors},
                                {"mismatches", report.mismatches}}
                   .dump()
              << "\n";
  } else {
    for (const auto& e : report.errors) {
      std::cerr << "gpx prefetch: failed: " << e << "\n";
    }
    for (const auto& e : report.mismatches) {
      std::cerr << "gpx prefetch: CHECKSUM MISMATCH: " << e << "\n";
    }
    std::cout << format("gpx prefetch: {} module versions ({} zips), {}; {} requests answered from the cache, {} fetched "
                        "upstream; {:.1f}s\n",
                        modules, zips, human_size(report.bytes.load()), hits, misses, seconds);
    if (skipped_private > 0) {
      std::cout << format("gpx prefetch: {} private module versions left to the go command (GONOPROXY)\n", skipped_private);
    }
  }
  if (!report.mismatches.empty()) {
    return fail(make_error(Error::Code::invalid, format("{} downloads do not match go.sum or the checksum database", report.mismatches.size())),
                "someone changed a published module, or go.sum is wrong: check before you trust either");
  }
  if (!report.errors.empty()) {
    return fail(make_error(Error::Code::upstream, format("{} downloads failed", report.errors.size())),
                "see the lines above; run again when the agent's upstream is reachable");
  }
  return 0;
}

} // namespace

void
register_prefetch(CLI::App& app, Context& ctx)
{
  auto o = std::make_shared<PrefetchOptions>();
  auto* cmd = app.add_subcommand("prefetch", "Fill the agent's cache with everything a project needs, before going offline");
  cmd->add_option("PATH", o->paths, "module directories, go.mod or go.work files (default: .)");
  cmd->add_option("--agent", o->agent, "the agent to fill (default: the configured one, http://LISTEN)");
  cmd->add_option("--jobs,-j", o->jobs, "parallel downloads (default 8)")->check(CLI::Range(1, 64));
  cmd->add_flag("--json", o->json, "print the summary as JSON");
  cmd->footer("Fetches the go.mod of every module version in the requirement graph (pruned as go ≥ 1.17\n"
              "prunes it), the .info and .zip of every selected version and of everything go.sum names,\n"
              "and the checksum database's records of them; checks every download against go.sum.\n"
              "The project is registered: gpx prune keeps what it needs.\n\n"
              "Examples:\n"
              "  gpx prefetch\n"
              "  gpx prefetch ~/src/service/go.work --jobs 16\n"
              "  gpx prefetch ./api ./worker --json");
  cmd->callback([o, &ctx] { ctx.exit_code = run_prefetch(*o); });
}

} // namespace gpx::cli
