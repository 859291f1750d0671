#include "project.hpp"

#include <cache/atomic_file.hpp>
#include <cache/layout.hpp>
#include <gomod/format.hpp>
#include <gomod/gover.hpp>
#include <gomod/modgraph.hpp>
#include <gomod/workfile.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace fs = std::filesystem;

namespace gpx::cli {

namespace {

Result<std::string>
read_text(const fs::path& file)
{
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    return Error::not_found(format("{}: no such file", file.string()));
  }
  return cache::read_small_file(file);
}

// go.sum lines merge; a file that is absent is fine (a new project).
Status
add_sums(gomod::GoSum& into, const fs::path& file)
{
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    return {};
  }
  auto text = read_text(file);
  if (!text) {
    return text.error();
  }
  auto sums = gomod::parse_go_sum(file.string(), *text);
  if (!sums) {
    return sums.error();
  }
  for (auto& [key, entry] : sums->entries) {
    auto& e = into.entries[key];
    if (e.zip_hash.empty()) {
      e.zip_hash = entry.zip_hash;
    }
    if (e.go_mod_hash.empty()) {
      e.go_mod_hash = entry.go_mod_hash;
    }
  }
  return {};
}

// One main module's go.mod into the project.
Status
add_main_module(Project& p, const fs::path& gomod_file)
{
  auto text = read_text(gomod_file);
  if (!text) {
    return text.error();
  }
  auto f = gomod::modfile::parse(gomod_file.string(), *text);
  if (!f) {
    return f.error();
  }
  if (!f->module) {
    return Error::invalid(
      format("{}: no module directive", gomod_file.string()));
  }
  p.mains.insert(f->module->mod.path);
  for (const auto& r : f->require) {
    p.roots.push_back(r.mod);
  }
  std::string go = f->go ? f->go->version : "";
  if (!p.workspace) {
    p.pruned = gomod::modgraph::prunes(go);
  }
  if (gomod::gover::compare(go, p.go_version) > 0) {
    p.go_version = go;
  }
  if (f->toolchain && p.toolchain.empty()) {
    p.toolchain = f->toolchain->name;
  }
  for (const auto& e : f->exclude) {
    p.excluded.insert({e.mod.path, e.mod.version});
  }
  for (const auto& r : f->replace) {
    auto key = r.old_mod.version.empty() ? r.old_mod.path : r.old_mod.str();
    auto& table = r.old_mod.version.empty() ? p.replace_any : p.replace_exact;
    // In a workspace the first module's replacement stands; go.work's win.
    if (table.emplace(key, r).second) {
      p.replace_dirs[key] = gomod_file.parent_path();
    }
  }
  return add_sums(p.sums, gomod_file.parent_path() / "go.sum");
}

} // namespace

bool
Project::is_excluded(const gomod::Version& m) const
{
  return excluded.count({m.path, m.version}) != 0;
}

Source
Project::source(const gomod::Version& m) const
{
  const gomod::modfile::Replace* r = nullptr;
  std::string key;
  if (auto it = replace_exact.find(m.str()); it != replace_exact.end()) {
    r = &it->second;
    key = it->first;
  } else if (auto any = replace_any.find(m.path); any != replace_any.end()) {
    r = &any->second;
    key = any->first;
  }
  if (r == nullptr) {
    return {m, {}};
  }
  if (r->new_mod.version.empty()) {
    fs::path dir = r->new_mod.path;
    if (dir.is_relative()) {
      dir = replace_dirs.at(key) / dir;
    }
    return {m, dir.lexically_normal()};
  }
  return {r->new_mod, {}};
}

Result<Project>
load_project(const fs::path& arg)
{
  std::error_code ec;
  fs::path file = fs::absolute(arg);
  if (fs::is_directory(file, ec)) {
    file =
      fs::exists(file / "go.work", ec) ? file / "go.work" : file / "go.mod";
  }
  Project p;
  p.file = file;
  // GOWORK may name a workspace file by another name ending in .work.
  if (file.filename() != "go.work" && file.extension() != ".work") {
    GPX_TRY(add_main_module(p, file));
    return p;
  }
  p.workspace = true;
  p.pruned = true; // workspace mode prunes like go ≥ 1.17
  auto text = read_text(file);
  if (!text) {
    return text.error();
  }
  auto work = gomod::modfile::parse_work(file.string(), *text);
  if (!work) {
    return work.error();
  }
  if (work->go) {
    p.go_version = work->go->version;
  }
  if (work->toolchain) {
    p.toolchain = work->toolchain->name;
  }
  // go.work's replacements override every module's.
  for (const auto& r : work->replace) {
    auto key = r.old_mod.version.empty() ? r.old_mod.path : r.old_mod.str();
    auto& table = r.old_mod.version.empty() ? p.replace_any : p.replace_exact;
    table[key] = r;
    p.replace_dirs[key] = file.parent_path();
  }
  for (const auto& u : work->use) {
    fs::path dir = u.path;
    if (dir.is_relative()) {
      dir = file.parent_path() / dir;
    }
    GPX_TRY(add_main_module(p, (dir / "go.mod").lexically_normal()));
  }
  GPX_TRY(add_sums(p.sums, file.parent_path() / "go.work.sum"));
  return p;
}

namespace {

Result<fs::path>
projects_file()
{
  auto dirs = cache::default_dirs();
  if (!dirs) {
    return dirs.error();
  }
  return dirs->state_dir / "projects.json";
}

std::vector<std::string>
read_projects(const fs::path& file)
{
  std::vector<std::string> out;
  auto text = cache::read_small_file(file);
  if (!text) {
    return out;
  }
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_object() && j.contains("projects") && j["projects"].is_array()) {
    for (const auto& p : j["projects"]) {
      if (p.is_string()) {
        out.push_back(p.get<std::string>());
      }
    }
  }
  return out;
}

Status
write_projects(const fs::path& file, const std::vector<std::string>& list)
{
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  return cache::write_file_atomic(
    file, nlohmann::json{{"projects", list}}.dump(2) + "\n");
}

} // namespace

std::vector<std::string>
registered_projects()
{
  auto file = projects_file();
  return file ? read_projects(*file) : std::vector<std::string>{};
}

Status
add_registered_projects(const std::vector<std::string>& files)
{
  auto file = projects_file();
  if (!file) {
    return file.error();
  }
  auto list = read_projects(*file);
  auto before = list.size();
  for (const auto& f : files) {
    if (std::find(list.begin(), list.end(), f) == list.end()) {
      list.push_back(f);
    }
  }
  return list.size() == before ? Status{} : write_projects(*file, list);
}

Result<bool>
forget_project(const std::string& project)
{
  auto file = projects_file();
  if (!file) {
    return file.error();
  }
  auto list = read_projects(*file);
  auto it = std::find(list.begin(), list.end(), project);
  if (it == list.end()) {
    return false;
  }
  list.erase(it);
  GPX_TRY(write_projects(*file, list));
  return true;
}

} // namespace gpx::cli
