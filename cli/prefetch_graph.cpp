#include "prefetch_graph.hpp"

#include "parallel.hpp"

#include <cache/atomic_file.hpp>
#include <gomod/modfile.hpp>

#include <mutex>

namespace gpx::cli {

namespace {

Result<gomod::modgraph::Summary>
summarize(const std::string& name, const std::string& text)
{
  auto f = gomod::modfile::parse_lax(name, text);
  if (!f) {
    return f.error();
  }
  gomod::modgraph::Summary s;
  s.go_version = f->go ? f->go->version : "";
  for (const auto& r : f->require) {
    s.require.push_back(r.mod);
  }
  return s;
}

} // namespace

Result<LoadedGraph>
load_graph(const Project& project, const GraphSource& source)
{
  LoadedGraph out;
  std::mutex mutex;
  std::size_t loaded = 0;
  gomod::modgraph::Roots roots{
    project.roots, project.mains, project.pruned, [&](const gomod::Version& m) {
      return project.is_excluded(m);
    }};
  auto loader = [&](const std::vector<gomod::Version>& batch) {
    std::vector<Result<gomod::modgraph::Summary>> summaries(
      batch.size(), Error::internal("not loaded"));
    run_parallel(batch.size(), source.jobs, [&](std::size_t i) {
      auto src = project.source(batch[i]);
      std::string text;
      if (!src.local_dir.empty()) {
        // A replacement directory without go.mod stands for a module with
        // no requirements.
        auto local = cache::read_small_file(src.local_dir / "go.mod");
        text = local ? *local : "module " + batch[i].path + "\n";
      } else if (source.is_private && source.is_private(src.mod)) {
        summaries[i] = gomod::modgraph::Summary{};
        return;
      } else {
        auto got = source.get_mod(src.mod);
        if (!got) {
          summaries[i] = got.error();
          return;
        }
        text = std::move(*got);
        std::lock_guard lock(mutex);
        out.mod_bodies[src.mod.str()] = text;
      }
      summaries[i] = summarize(src.mod.str() + "/go.mod", text);
    });
    loaded += batch.size();
    if (source.on_level) {
      source.on_level(loaded);
    }
    return summaries;
  };
  auto graph = gomod::modgraph::load(roots, loader);
  if (!graph) {
    return graph.error();
  }
  out.graph = std::move(*graph);
  return out;
}

} // namespace gpx::cli
