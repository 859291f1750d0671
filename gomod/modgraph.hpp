#pragma once

// The module requirement graph as the go command loads it
// (cmd/go/internal/modload/buildlist.go, readModGraph) and the versions MVS
// selects from it. Loading go.mod files is the caller's business (a batch
// at a time, so it can fetch in parallel); the rules are here:
//
// - Modules at go ≥ 1.17 prune their graphs: reached from a pruned module,
//   a pruned module contributes its own requirements but not theirs.
//   Unpruned modules (go < 1.17, or no go line) bring in everything below
//   them, as before 1.17.
// - A requirement on a version the main module excludes is dropped (go ≥
//   1.16 semantics).
// - Requirements on a main module are ignored: the main module is selected.

#include <gomod/module.hpp>
#include <gomod/result.hpp>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace gpx::gomod::modgraph {

// modload.pruningForGoVersion: a go line of 1.17 or later (no go line: none).
bool prunes(std::string_view go_version);

// What of a go.mod matters to the graph.
struct Summary
{
  std::string go_version;
  std::vector<Version> require;
};

// Summaries for a batch of module versions, in the same order; an error for
// one fails the whole load.
using Loader =
  std::function<std::vector<Result<Summary>>(const std::vector<Version>&)>;

using VersionSet =
  std::set<std::pair<std::string, std::string>>; // {path, version}

struct Graph
{
  VersionSet nodes;  // every module version the loaded go.mod files require
  VersionSet loaded; // those whose go.mod was read
  std::map<std::string, std::string>
    selected; // path → the version MVS picks (no main modules)
};

struct Roots
{
  std::vector<Version> require; // the main modules' requirements
  std::set<std::string> mains;  // main module paths (one, or a workspace's)
  bool pruned = true;           // the main module's (a workspace: always)
  std::function<bool(const Version&)> excluded; // may be empty
};

Result<Graph> load(const Roots& roots, const Loader& loader);

} // namespace gpx::gomod::modgraph
