#include "modgraph.hpp"

#include "gover.hpp"
#include "semver.hpp"

#include <map>

namespace gpx::gomod::modgraph {

bool
prunes(std::string_view go_version)
{
  return !go_version.empty() && gover::compare(go_version, "1.17") >= 0;
}

Result<Graph>
load(const Roots& roots, const Loader& loader)
{
  Graph g;
  std::map<std::pair<std::string, std::string>, Summary> summaries;
  // As readModGraph: a module is enqueued at most once reached through a
  // pruned edge and once through an unpruned one.
  VersionSet enqueued_pruned;
  VersionSet enqueued_unpruned;
  std::vector<std::pair<Version, bool>> queue; // module, reached pruned
  auto skip = [&](const Version& m) {
    return roots.mains.count(m.path) != 0
           || (roots.excluded && roots.excluded(m));
  };
  auto enqueue = [&](const Version& m, bool pruned) {
    auto key = std::make_pair(m.path, m.version);
    auto& seen = pruned ? enqueued_pruned : enqueued_unpruned;
    if (seen.insert(key).second) {
      queue.emplace_back(m, pruned);
    }
  };
  for (const auto& r : roots.require) {
    if (!skip(r)) {
      g.nodes.insert({r.path, r.version});
      enqueue(r, roots.pruned);
    }
  }
  while (!queue.empty()) {
    std::vector<Version> batch;
    VersionSet in_batch;
    for (const auto& [m, pruned] : queue) {
      auto key = std::make_pair(m.path, m.version);
      if (summaries.count(key) == 0 && in_batch.insert(key).second) {
        batch.push_back(m);
      }
    }
    if (!batch.empty()) {
      auto results = loader(batch);
      if (results.size() != batch.size()) {
        return Error::internal(
          "module graph loader returned the wrong number of results");
      }
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (!results[i]) {
          return results[i].error().wrap(batch[i].str());
        }
        g.loaded.insert({batch[i].path, batch[i].version});
        summaries[{batch[i].path, batch[i].version}] = std::move(*results[i]);
      }
    }
    auto level = std::move(queue);
    queue.clear();
    for (const auto& [m, pruned] : level) {
      const auto& s = summaries.at({m.path, m.version});
      bool module_prunes = prunes(s.go_version);
      // An unpruned module is loaded transitively whatever reached it.
      bool next_pruned = pruned && module_prunes;
      for (const auto& r : s.require) {
        if (skip(r)) {
          continue;
        }
        g.nodes.insert({r.path, r.version});
        if (!pruned || !module_prunes) {
          enqueue(r, next_pruned);
        }
      }
    }
  }
  for (const auto& [path, version] : g.nodes) {
    auto& sel = g.selected[path];
    if (sel.empty() || semver::compare(version, sel) > 0) {
      sel = version;
    }
  }
  return g;
}

} // namespace gpx::gomod::modgraph
