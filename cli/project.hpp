#pragma once

// A Go project as gpx prefetch sees it: its main module (or a workspace's
// modules), their requirements, the main module's replace and exclude
// directives, and the go.sum lines the go command will check downloads
// against.

#include <gomod/gosum.hpp>
#include <gomod/modfile.hpp>
#include <gomod/module.hpp>
#include <gomod/result.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace gpx::cli {

// Where a module version's content comes from after replace directives.
struct Source
{
  gomod::Version mod;              // the module version to download
  std::filesystem::path local_dir; // set instead when replaced by a directory
};

struct Project
{
  std::filesystem::path file; // the go.mod or go.work read
  bool workspace = false;
  std::set<std::string> mains;       // main module paths
  std::vector<gomod::Version> roots; // the main modules' requirements
  bool pruned = true;
  std::string go_version; // the highest go line among main modules / go.work
  std::string toolchain;  // the toolchain line, if any
  std::set<std::pair<std::string, std::string>> excluded;
  // path@version → replacement, and path (all versions) → replacement.
  std::map<std::string, gomod::modfile::Replace> replace_exact;
  std::map<std::string, gomod::modfile::Replace> replace_any;
  std::map<std::string, std::filesystem::path>
    replace_dirs;    // base dir of each replace's file
  gomod::GoSum sums; // go.sum (all of a workspace's, and go.work.sum)

  bool is_excluded(const gomod::Version& m) const;
  Source source(const gomod::Version& m) const;
};

// arg: a directory (its go.work if it has one, else its go.mod), a go.mod or
// a go.work file.
Result<Project> load_project(const std::filesystem::path& arg);

// Projects registered by gpx prefetch (state_dir/projects.json): prune keeps
// what their go.sum files name.
std::vector<std::string> registered_projects();
Status add_registered_projects(const std::vector<std::string>& files);
// Removes file from the list; false if it was not registered.
Result<bool> forget_project(const std::string& file);

} // namespace gpx::cli
