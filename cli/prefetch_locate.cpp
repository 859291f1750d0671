#include "prefetch_locate.hpp"

#include <gomod/format.hpp>

#include <cstdlib>

namespace fs = std::filesystem;

namespace gpx::cli {

namespace {

bool
is_file(const fs::path& p)
{
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// The nearest `name` in dir or a parent, or "".
fs::path
find_upwards(fs::path dir, const char* name)
{
  while (true) {
    if (auto f = dir / name; is_file(f)) {
      return f;
    }
    auto parent = dir.parent_path();
    if (parent == dir || parent.empty()) {
      return {};
    }
    dir = parent;
  }
}

fs::path
clean_absolute(const fs::path& arg)
{
  std::error_code ec;
  auto p =
    fs::absolute(arg.empty() ? fs::path(".") : arg, ec).lexically_normal();
  // "/a/b/." normalises to "/a/b/": the directory itself.
  if (p.filename().empty() && p.has_parent_path() && p != p.root_path()) {
    p = p.parent_path();
  }
  return p;
}

bool
is_workspace_file(const fs::path& p)
{
  return p.filename() == "go.work" || p.extension() == ".work";
}

} // namespace

std::string
gowork_setting()
{
  // Only the environment: `go env -w` refuses GOWORK.
  const char* v = std::getenv("GOWORK");
  return v != nullptr ? v : "";
}

Result<fs::path>
locate_project(const fs::path& arg, std::string_view gowork)
{
  auto p = clean_absolute(arg);
  std::error_code ec;
  auto st = fs::status(p, ec);
  if (ec || !fs::exists(st)) {
    return Error::not_found(
      format("{}: no such file or directory", p.string()));
  }
  if (!fs::is_directory(st)) {
    if (p.filename() == "go.mod" || is_workspace_file(p)) {
      return p;
    }
    return Error::invalid(
      format("{}: not a go.mod or go.work file (prefetch reads a module's "
             "go.mod or a workspace's go.work)",
             p.string()));
  }
  if (gowork != "off") {
    fs::path work;
    if (gowork.empty() || gowork == "auto") {
      work = find_upwards(p, "go.work");
    } else {
      fs::path named(gowork);
      if (!named.is_absolute()) {
        return Error::invalid(format(
          "GOWORK={}: not an absolute path (the go command refuses it too)",
          gowork));
      }
      work = named.lexically_normal();
      if (!is_file(work)) {
        return Error::not_found(format("GOWORK={}: no such file", gowork));
      }
    }
    if (!work.empty()) {
      return work;
    }
  }
  auto mod = find_upwards(p, "go.mod");
  if (mod.empty()) {
    auto ignored = gowork == "off" ? find_upwards(p, "go.work") : fs::path();
    return Error::not_found(
      format("no go.mod in {} or any parent directory{}",
             p.string(),
             ignored.empty()
               ? gowork == "off" ? "" : ", and no go.work"
               : format(" (GOWORK=off leaves out {})", ignored.string())));
  }
  return mod;
}

} // namespace gpx::cli
