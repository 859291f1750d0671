#pragma once

// Step 3 of a prefetch: what to download. Every module version of the graph
// gives its .mod, every selected version and everything go.sum names with a
// zip hash its .info and zip too: what offline go build, go test and go mod
// tidy need (the go command reads the .info of a version only with its zip;
// the rest of the graph, it reads go.mod files of). Main modules, directory
// replacements and private modules left to the go command (GONOPROXY) are not
// downloaded.

#include "project.hpp"

#include <gomod/modgraph.hpp>
#include <gomod/module.hpp>

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace gpx::cli {

struct Item
{
  gomod::Version requested; // as the graph names it
  Source source;            // what is downloaded for it
  bool zip = false;
  bool info = false;          // its .info: the version's zip is wanted (or was,
                              // before --build-only kept fewer)
  std::int64_t zip_size = -1; // from the agent, -1 unknown
  bool zip_was_cached = true; // false: the agent said it had to fetch it
};

struct Plan
{
  std::vector<Item> items; // one per module version downloaded
  int skipped_private = 0; // module versions left to the go command
};

Plan
plan_downloads(const Project& project,
               const gomod::modgraph::Graph& graph,
               const std::function<bool(const gomod::Version&)>& is_private);

// `go build` only: zips of the module versions in `needed`
// ("path@version", as the graph or after replacement) and no others.
void keep_zips_of(Plan& plan, const std::set<std::string>& needed);

// Zips largest first, so the longest transfers start at once and the
// small ones fill in around them; zips of unknown size after the known
// ones, then the items without a zip. Equal sizes keep their order.
void order_largest_first(std::vector<Item>& items);

} // namespace gpx::cli
