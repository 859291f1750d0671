#pragma once

// Step 2 of a prefetch: the project's module graph, loaded as the go command
// loads it (gomod/modgraph.hpp), a level of go.mod files at a time, each
// level in parallel.

#include "project.hpp"

#include <gomod/modgraph.hpp>
#include <gomod/module.hpp>
#include <gomod/result.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <string>

namespace gpx::cli {

struct LoadedGraph
{
  gomod::modgraph::Graph graph;
  // The go.mod text fetched for each module version ("path@version" after
  // replacement), so the download step need not ask again.
  std::map<std::string, std::string> mod_bodies;
};

struct GraphSource
{
  // The go.mod of a module version (after replacement); any thread.
  std::function<Result<std::string>(const gomod::Version&)> get_mod;
  // Modules left to the go command (GONOPROXY): their requirements are not
  // followed.
  std::function<bool(const gomod::Version&)> is_private;
  int jobs = 8;
  // After each level, the number of module versions loaded so far.
  std::function<void(std::size_t)> on_level;
};

Result<LoadedGraph> load_graph(const Project& project,
                               const GraphSource& source);

} // namespace gpx::cli
